package dev.gatehouse.routing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.cloud.gateway.server.mvc.handler.GatewayServerResponse;
import org.springframework.cloud.gateway.server.mvc.handler.ProxyExchange;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.function.ServerResponse;

import dev.gatehouse.config.GatehouseProperties.UpstreamProperties;
import dev.gatehouse.observability.GatehouseMeters;
import dev.gatehouse.observability.RequestAudit;

/**
 * The gateway's exchange with an upstream MCP server, over {@link UpstreamClient} (HTTP/1.1, pooled,
 * blocking on the request's virtual thread; no redirects followed, no compression added or undone;
 * a connect timeout and a limit on upstream silence that SSE streams are exempt from, so they live
 * as long as both ends want). Request and response bodies are streamed; {@code text/event-stream}
 * is relayed by {@link SseRelay} (flushed per read, heartbeats while idle). Whatever ends a
 * response, the upstream body is closed, not drained (Spring Cloud Gateway 5.0.2 drains it, which
 * leaks the upstream SSE connection: gh-3999). Failures before a response become 502/503/504 with a
 * JSON-RPC error body; an upstream 401/407 (the backend refusing the gateway) becomes 502.
 */
public final class StreamingProxyExchange implements ProxyExchange, SmartLifecycle, AutoCloseable {

	/**
	 * Stops before the web server's graceful shutdown ({@code DEFAULT_PHASE - 1024}) begins: the
	 * standalone GET streams, which would otherwise hold the shutdown open until its timeout, are
	 * closed first (clients reconnect elsewhere with {@code Last-Event-ID}); POST responses, tool
	 * calls in progress, finish within the graceful period.
	 */
	private static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 512;

	private static final Logger logger = LoggerFactory.getLogger(StreamingProxyExchange.class);

	private static final int CAPTURE_LIMIT = 4096;

	private final UpstreamClient client;

	// follow a configuration reload (see upstream(...)); the timeouts are the client's own
	private volatile Duration heartbeat;

	private volatile long maxRequestBody;

	private final GatehouseMeters meters;

	private final Set<InputStream> getStreams = ConcurrentHashMap.newKeySet();

	private volatile boolean running;

	private final TraceHeaders traceHeaders;

	public StreamingProxyExchange(UpstreamProperties upstream, GatehouseMeters meters) {
		this(upstream, meters, TraceHeaders.NONE);
	}

	StreamingProxyExchange(UpstreamProperties upstream, GatehouseMeters meters, TraceHeaders traceHeaders) {
		this.client = new UpstreamClient(upstream.connectTimeout(), upstream.responseTimeout());
		this.heartbeat = upstream.sseHeartbeat();
		this.maxRequestBody = upstream.maxRequestBody().toBytes();
		this.meters = meters;
		this.traceHeaders = traceHeaders;
	}

	/**
	 * Applies reloaded upstream settings to exchanges that start from now on. The connect timeout
	 * belongs to the HTTP client and only changes with a restart.
	 */
	public void upstream(UpstreamProperties upstream) {
		if (!upstream.connectTimeout().equals(this.client.connectTimeout())) {
			logger.warn("gatehouse.upstream.connect-timeout changed to {}; it takes effect after a restart (still {})",
					upstream.connectTimeout(), this.client.connectTimeout());
		}
		this.client.responseTimeout(upstream.responseTimeout());
		this.heartbeat = upstream.sseHeartbeat();
		this.maxRequestBody = upstream.maxRequestBody().toBytes();
	}

	@Override
	public ServerResponse exchange(Request request) {
		HttpServletRequest servletRequest = request.getServerRequest().servletRequest();
		String routeId = routeId(servletRequest);
		RequestAudit audit = RequestAudit.of(servletRequest);
		long start = System.nanoTime();
		CapturingInputStream body = null;
		LimitedInputStream limited = null;
		UpstreamClient.Response response;
		try {
			// headers arrive filtered by ProxyHeaders: nothing the HTTP client manages itself
			InputStream upload = null;
			long length = -1;
			if (hasBody(servletRequest)) {
				length = servletRequest.getContentLengthLong();
				limited = new LimitedInputStream(servletRequest.getInputStream(), this.maxRequestBody);
				body = new CapturingInputStream(limited, CAPTURE_LIMIT);
				if (length > this.maxRequestBody) {
					return tooLarge(routeId, body, audit);
				}
				upload = body;
			}
			response = this.client.send(request.getMethod().name(), request.getUri(), request.getHeaders(), upload,
					length, this.traceHeaders);
		}
		catch (IOException | RuntimeException ex) {
			if (limited != null && limited.exceeded()) {
				return tooLarge(routeId, body, audit);
			}
			this.meters.upstreamDuration(routeId, System.nanoTime() - start);
			UpstreamFailure failure = UpstreamFailure.of(ex);
			logger.debug("Upstream exchange of route {} failed: {} ({})", routeId, failure, ex.getClass().getSimpleName());
			return failed(routeId, failure, body, audit);
		}
		this.meters.upstreamDuration(routeId, System.nanoTime() - start);
		int status = response.status();
		if (audit != null) {
			audit.upstream(status);
			if (body != null) {
				JsonRpcPeek peek = JsonRpcPeek.of(body.captured());
				audit.mcp(peek.method(), peek.tool());
			}
		}
		if (status == HttpStatus.UNAUTHORIZED.value() || status == HttpStatus.PROXY_AUTHENTICATION_REQUIRED.value()) {
			close(response.body());
			logger.debug("Upstream of route {} refused the gateway with {}", routeId, status);
			return failed(routeId, UpstreamFailure.GATEWAY_REFUSED, body, audit);
		}
		this.meters.upstreamResponse(routeId, status);
		return respond(request, routeId, response, body);
	}

	private ServerResponse respond(Request request, String routeId, UpstreamClient.Response response,
			CapturingInputStream body) {
		HttpHeaders headers = response.headers();
		boolean streaming = isEventStream(headers);
		// a heartbeat inserted into a compressed or fixed-length body would corrupt it
		Duration heartbeat = (streaming && headers.getContentLength() < 0 && isIdentityEncoded(headers)) ? this.heartbeat
				: null;
		ServerResponse serverResponse = new ClosingServerResponse(
				GatewayServerResponse.status(HttpStatusCode.valueOf(response.status()))
					.build((servletRequest, servletResponse) -> {
						if (streaming) {
							relayEvents(response.body(), servletResponse, routeId, heartbeat,
									HttpMethod.GET.matches(servletRequest.getMethod()));
						}
						else {
							copy(response.body(), servletRequest, servletResponse, routeId, body);
						}
						return null;
					}),
				response.body());
		Response upstreamResponse = new UpstreamResponse(HttpStatusCode.valueOf(response.status()), headers);
		request.getResponseConsumers().forEach((consumer) -> consumer.accept(upstreamResponse, serverResponse));
		return serverResponse;
	}

	private void relayEvents(InputStream upstream, HttpServletResponse response, String routeId, Duration heartbeat,
			boolean standalone) throws IOException {
		AtomicInteger active = this.meters.activeStreams(routeId);
		active.incrementAndGet();
		if (standalone) {
			this.getStreams.add(upstream);
		}
		try (upstream) {
			// send the status line and headers now: a client of an idle GET stream must see them at once
			response.flushBuffer();
			if (!new SseRelay(upstream, response.getOutputStream(), heartbeat).relay()) {
				logger.debug("Client of route {} left an SSE stream; upstream stream closed", routeId);
			}
		}
		catch (IOException ex) {
			logger.debug("Client of route {} left before the SSE stream started", routeId);
		}
		finally {
			this.getStreams.remove(upstream);
			active.decrementAndGet();
		}
	}

	/**
	 * Copies a non-streaming body. An upstream silent for longer than the response timeout mid-body is
	 * cut off (the client's read limit). If the upstream fails or stalls before anything reached the
	 * client (all of it still in the response buffer), the client gets the 502/504 JSON-RPC error
	 * instead; after that, the connection is aborted (an exception reaches the container), so the
	 * client sees a truncated response, not a complete wrong one. A client that left just ends the copy.
	 */
	private void copy(InputStream upstream, HttpServletRequest request, HttpServletResponse response, String routeId,
			CapturingInputStream body) throws IOException {
		try (upstream) {
			OutputStream out = response.getOutputStream();
			byte[] buffer = new byte[8192];
			while (true) {
				int read;
				try {
					read = upstream.read(buffer);
				}
				catch (IOException ex) {
					UpstreamFailure failure = (ex instanceof SocketTimeoutException) ? UpstreamFailure.TIMEOUT
							: UpstreamFailure.BAD_GATEWAY;
					if (!response.isCommitted()) {
						writeFailure(request, response, routeId, body, failure);
						return;
					}
					throw new IOException("upstream of route " + routeId + " failed mid-response: " + failure, ex);
				}
				if (read == -1) {
					break;
				}
				try {
					out.write(buffer, 0, read);
				}
				catch (IOException ex) {
					logger.debug("Client of route {} left mid-response", routeId);
					return;
				}
			}
			out.flush();
		}
	}

	private void writeFailure(HttpServletRequest request, HttpServletResponse response, String routeId,
			CapturingInputStream body, UpstreamFailure failure) throws IOException {
		this.meters.upstreamResponse(routeId, failure.status().value());
		response.reset();
		response.setStatus(failure.status().value());
		response.setContentType(MediaType.APPLICATION_JSON_VALUE);
		response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
		RequestAudit audit = RequestAudit.of(request);
		if (audit != null) {
			audit.failed(failure.code());
		}
		Object id = (body != null) ? JsonRpcPeek.of(body.captured()).id() : null;
		response.getOutputStream()
			.write(JsonRpcErrors.bytes(id, JsonRpcErrors.UPSTREAM_FAILED, failure.message()));
	}

	/**
	 * 413 for a body over the limit, before or while it was being forwarded (a chunked one is cut
	 * off mid-stream, so the backend never gets it whole).
	 */
	private ServerResponse tooLarge(String routeId, CapturingInputStream body, RequestAudit audit) {
		logger.debug("Request body for route {} exceeds {} bytes", routeId, this.maxRequestBody);
		this.meters.upstreamResponse(routeId, HttpStatus.CONTENT_TOO_LARGE.value());
		JsonRpcPeek peek = JsonRpcPeek.of(body.captureRest());
		if (audit != null) {
			audit.refused("request_too_large");
			audit.mcp(peek.method(), peek.tool());
		}
		Object id = peek.id();
		return JsonRpcErrors.response(HttpStatus.CONTENT_TOO_LARGE, id, JsonRpcErrors.INVALID_REQUEST,
				"Request body exceeds the gateway's limit of " + this.maxRequestBody + " bytes");
	}

	private ServerResponse failed(String routeId, UpstreamFailure failure, CapturingInputStream body, RequestAudit audit) {
		this.meters.upstreamResponse(routeId, failure.status().value());
		JsonRpcPeek peek = (body != null) ? JsonRpcPeek.of(body.captureRest()) : JsonRpcPeek.NOTHING;
		if (audit != null) {
			audit.failed(failure.code());
			audit.mcp(peek.method(), peek.tool());
		}
		Object id = peek.id();
		return JsonRpcErrors.response(failure.status(), id, JsonRpcErrors.UPSTREAM_FAILED, failure.message());
	}

	private static boolean hasBody(HttpServletRequest request) {
		return request.getContentLengthLong() > 0 || request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null;
	}

	private static boolean isEventStream(HttpHeaders headers) {
		return UpstreamClient.isEventStream(headers.getFirst(HttpHeaders.CONTENT_TYPE));
	}

	private static boolean isIdentityEncoded(HttpHeaders headers) {
		String encoding = headers.getFirst(HttpHeaders.CONTENT_ENCODING);
		return encoding == null || encoding.isBlank() || "identity".equalsIgnoreCase(encoding.trim());
	}

	private static String routeId(HttpServletRequest request) {
		Route route = RequestRoute.of(request);
		return (route != null) ? route.id() : "none";
	}

	private static void close(InputStream body) {
		try {
			body.close();
		}
		catch (IOException ex) {
			// nothing more to do
		}
	}

	@Override
	public void start() {
		this.running = true;
	}

	/** Closes the open standalone GET streams (see {@link #PHASE}). */
	@Override
	public void stop() {
		this.running = false;
		int closed = 0;
		for (InputStream stream : List.copyOf(this.getStreams)) {
			close(stream);
			closed++;
		}
		if (closed > 0) {
			logger.info("Shutting down: closed {} open SSE GET streams", closed);
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	/** Aborts open upstream exchanges when the application stops (after the graceful shutdown phase). */
	@Override
	public void close() {
		this.client.close();
	}

	private record UpstreamResponse(HttpStatusCode getStatusCode, HttpHeaders getHeaders) implements Response {
	}

}
