package dev.gatehouse.routing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.cloud.gateway.server.mvc.handler.GatewayServerResponse;
import org.springframework.cloud.gateway.server.mvc.handler.ProxyExchange;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.function.ServerResponse;

import dev.gatehouse.auth.RouteResolutionFilter;
import dev.gatehouse.observability.GatehouseMeters;

/**
 * The gateway's exchange with an upstream MCP server, on the JDK {@link HttpClient}: HTTP/1.1 only
 * (no {@code h2c} upgrade), no redirects followed, no compression added or undone, a connect
 * timeout and a deadline for the response headers only, never for the body, so SSE streams live as
 * long as both ends want. Request and response bodies are streamed; {@code text/event-stream} is
 * flushed per read. When the client goes away mid-stream the upstream body is closed, not drained
 * (Spring Cloud Gateway 5.0.2 drains it, which leaks the upstream SSE connection: gh-3999).
 * Failures before a response become 502/503/504 with a JSON-RPC error body.
 */
public final class StreamingProxyExchange implements ProxyExchange {

	private static final Logger logger = LoggerFactory.getLogger(StreamingProxyExchange.class);

	/** Headers the JDK client sets itself and refuses from callers. */
	private static final Set<String> CLIENT_MANAGED = Set.of("connection", "content-length", "expect", "host", "upgrade",
			"transfer-encoding", "te", "keep-alive", "trailer", "proxy-connection");

	private static final int BUFFER_SIZE = 8192;

	private static final int CAPTURE_LIMIT = 4096;

	private final HttpClient client;

	private final Duration responseTimeout;

	private final GatehouseMeters meters;

	public StreamingProxyExchange(Duration connectTimeout, Duration responseTimeout, GatehouseMeters meters) {
		this.client = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.followRedirects(HttpClient.Redirect.NEVER)
			.connectTimeout(connectTimeout)
			.executor(Executors.newVirtualThreadPerTaskExecutor())
			.build();
		this.responseTimeout = responseTimeout;
		this.meters = meters;
	}

	@Override
	public ServerResponse exchange(Request request) {
		HttpServletRequest servletRequest = request.getServerRequest().servletRequest();
		String routeId = routeId(servletRequest);
		CapturingInputStream body = null;
		HttpResponse<InputStream> response;
		try {
			HttpRequest.Builder upstream = HttpRequest.newBuilder(request.getUri()).timeout(this.responseTimeout);
			// the handler hands over headers already filtered by ProxyHeaders; the JDK client sets these itself
			request.getHeaders().forEach((name, values) -> {
				if (!CLIENT_MANAGED.contains(name.toLowerCase(Locale.ROOT))) {
					values.forEach((value) -> upstream.header(name, value));
				}
			});
			HttpRequest.BodyPublisher publisher = HttpRequest.BodyPublishers.noBody();
			if (hasBody(servletRequest)) {
				CapturingInputStream captured = new CapturingInputStream(servletRequest.getInputStream(), CAPTURE_LIMIT);
				body = captured;
				HttpRequest.BodyPublisher stream = HttpRequest.BodyPublishers.ofInputStream(() -> captured);
				long length = servletRequest.getContentLengthLong();
				publisher = (length >= 0) ? HttpRequest.BodyPublishers.fromPublisher(stream, length) : stream;
			}
			upstream.method(request.getMethod().name(), publisher);
			response = this.client.send(upstream.build(), HttpResponse.BodyHandlers.ofInputStream());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return failed(routeId, UpstreamFailure.UNAVAILABLE, body);
		}
		catch (IOException | RuntimeException ex) {
			UpstreamFailure failure = UpstreamFailure.of(ex);
			logger.debug("Upstream exchange of route {} failed: {} ({})", routeId, failure, ex.getClass().getSimpleName());
			return failed(routeId, failure, body);
		}
		this.meters.upstreamResponse(routeId, response.statusCode());
		return respond(request, routeId, response);
	}

	private ServerResponse respond(Request request, String routeId, HttpResponse<InputStream> response) {
		HttpHeaders headers = new HttpHeaders();
		response.headers().map().forEach(headers::addAll);
		boolean streaming = isEventStream(headers);
		HttpStatusCode status = HttpStatusCode.valueOf(response.statusCode());
		ServerResponse serverResponse = GatewayServerResponse.status(status)
			.build((servletRequest, servletResponse) -> {
				copy(response.body(), servletResponse, streaming ? this.meters.activeStreams(routeId) : null);
				return null;
			});
		Response upstreamResponse = new UpstreamResponse(status, headers);
		request.getResponseConsumers().forEach((consumer) -> consumer.accept(upstreamResponse, serverResponse));
		return serverResponse;
	}

	/**
	 * Copies the upstream body; for SSE, flushes per read and counts the stream as active. Whatever
	 * ends the copy (end of body, client gone, upstream reset), the upstream body is closed, which
	 * for an unfinished body aborts the upstream connection instead of reading it to its end.
	 */
	private static void copy(InputStream upstream, HttpServletResponse response, AtomicInteger activeStreams)
			throws IOException {
		if (activeStreams != null) {
			activeStreams.incrementAndGet();
		}
		try (upstream) {
			OutputStream out = response.getOutputStream();
			if (activeStreams != null) {
				// send the status line and headers now: a client of an idle GET stream must see them at once
				out.flush();
			}
			byte[] buffer = new byte[BUFFER_SIZE];
			int read;
			while ((read = upstream.read(buffer)) != -1) {
				out.write(buffer, 0, read);
				if (activeStreams != null) {
					out.flush();
				}
			}
			out.flush();
		}
		finally {
			if (activeStreams != null) {
				activeStreams.decrementAndGet();
			}
		}
	}

	private ServerResponse failed(String routeId, UpstreamFailure failure, CapturingInputStream body) {
		this.meters.upstreamResponse(routeId, failure.status().value());
		Object id = (body != null) ? JsonRpcIds.of(body.captureRest()) : null;
		return GatewayServerResponse.status(failure.status())
			.contentType(MediaType.APPLICATION_JSON)
			.header(HttpHeaders.CACHE_CONTROL, "no-store")
			.body(JsonRpcIds.error(id, UpstreamFailure.JSON_RPC_CODE, failure.message()));
	}

	private static boolean hasBody(HttpServletRequest request) {
		return request.getContentLengthLong() > 0 || request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null;
	}

	private static boolean isEventStream(HttpHeaders headers) {
		MediaType type;
		try {
			type = headers.getContentType();
		}
		catch (RuntimeException ex) {
			return false;
		}
		return type != null && MediaType.TEXT_EVENT_STREAM.isCompatibleWith(type);
	}

	private static String routeId(HttpServletRequest request) {
		var route = RouteResolutionFilter.route(request);
		return (route != null) ? route.id() : "none";
	}

	private record UpstreamResponse(HttpStatusCode getStatusCode, HttpHeaders getHeaders) implements Response {
	}

}
