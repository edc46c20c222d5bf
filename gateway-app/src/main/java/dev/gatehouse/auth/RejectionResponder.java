package dev.gatehouse.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authorization.AuthorizationDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

import dev.gatehouse.observability.GatehouseMeters;
import dev.gatehouse.refusal.Reason;
import dev.gatehouse.observability.RequestAudit;
import dev.gatehouse.refusal.Rejections;
import dev.gatehouse.refusal.TokenRejectedException;
import dev.gatehouse.routing.RequestRoute;
import dev.gatehouse.routing.Route;

/**
 * The one place a refusal becomes a response: status from the {@link Reason}, the RFC 6750 §3
 * {@code WWW-Authenticate} challenge with the route's RFC 9728 {@code resource_metadata} and
 * {@code scope}, a JSON body with the stable {@code reason} code and a fixed description (never
 * token content, never exception text), a debug log line and the decision meter.
 */
public final class RejectionResponder implements AuthenticationEntryPoint, AccessDeniedHandler, Rejections {

	private static final Logger logger = LoggerFactory.getLogger(RejectionResponder.class);

	private static final int RETRY_AFTER_SECONDS = 10;

	private final Map<Reason, byte[]> bodies = new EnumMap<>(Reason.class);

	private final GatehouseMeters meters;

	public RejectionResponder(GatehouseMeters meters) {
		this.meters = meters;
		for (Reason reason : Reason.values()) {
			String error = (reason.errorCode() != null) ? reason.errorCode() : defaultError(reason);
			String json = "{\"error\":\"" + error + "\",\"reason\":\"" + reason.code() + "\",\"error_description\":\""
					+ reason.description() + "\"}";
			this.bodies.put(reason, json.getBytes(StandardCharsets.UTF_8));
		}
	}

	@Override
	public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException exception)
			throws IOException {
		Reason reason = (exception instanceof TokenRejectedException rejected) ? rejected.reason() : Reason.TOKEN_MISSING;
		reject(request, response, reason, Set.of());
	}

	@Override
	public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException exception)
			throws IOException {
		if (exception instanceof AuthorizationDeniedException denied
				&& denied.getAuthorizationResult() instanceof RouteAuthorizationManager.Denial denial) {
			reject(request, response, denial.reason(), denial.stepUpScopes());
		}
		else {
			reject(request, response, Reason.TOKEN_MISSING, Set.of());
		}
	}

	@Override
	public void reject(HttpServletRequest request, HttpServletResponse response, Reason reason, Set<String> stepUpScopes)
			throws IOException {
		Route route = RequestRoute.of(request);
		String routeId = (route != null) ? route.id() : "none";
		logger.debug("Refused {} {} on route {}: {}", request.getMethod(), request.getRequestURI(), routeId, reason.code());
		this.meters.rejected(routeId, reason);
		RequestAudit audit = RequestAudit.of(request);
		if (audit != null) {
			audit.refused(reason.code());
		}
		if (response.isCommitted()) {
			return;
		}
		response.resetBuffer();
		response.setStatus(reason.status().value());
		if (reason.challenges()) {
			response.setHeader(HttpHeaders.WWW_AUTHENTICATE, challenge(reason, route, stepUpScopes));
		}
		if (reason == Reason.KEYS_UNAVAILABLE) {
			response.setHeader(HttpHeaders.RETRY_AFTER, String.valueOf(RETRY_AFTER_SECONDS));
		}
		response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
		response.setContentType(MediaType.APPLICATION_JSON_VALUE);
		byte[] body = this.bodies.get(reason);
		response.setContentLength(body.length);
		response.getOutputStream().write(body);
	}

	/** The challenge per RFC 6750 §3 and RFC 9728 §5.1; one {@code Bearer} challenge, quoted values. */
	static String challenge(Reason reason, Route route, Set<String> stepUpScopes) {
		StringBuilder challenge = new StringBuilder("Bearer");
		String separator = " ";
		if (reason.errorCode() != null) {
			challenge.append(separator).append("error=\"").append(reason.errorCode()).append('"');
			challenge.append(", error_description=\"").append(reason.description()).append('"');
			separator = ", ";
		}
		if (route != null && !"invalid_request".equals(reason.errorCode())) {
			challenge.append(separator).append("resource_metadata=\"").append(route.resourceMetadataUrl()).append('"');
			String scope = (reason == Reason.INSUFFICIENT_SCOPE) ? String.join(" ", stepUpScopes) : route.scope();
			if (!scope.isEmpty()) {
				challenge.append(", scope=\"").append(scope).append('"');
			}
		}
		return challenge.toString();
	}

	private static String defaultError(Reason reason) {
		return switch (reason.status()) {
			case NOT_FOUND -> "not_found";
			case MISDIRECTED_REQUEST -> "misdirected_request";
			case SERVICE_UNAVAILABLE -> "temporarily_unavailable";
			case UNAUTHORIZED -> "unauthorized";
			default -> "access_denied";
		};
	}

}
