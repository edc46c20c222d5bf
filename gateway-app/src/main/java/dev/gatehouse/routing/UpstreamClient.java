package dev.gatehouse.routing;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.io.HttpClientConnection;
import org.apache.hc.core5.http.io.HttpResponseInformationCallback;
import org.apache.hc.core5.http.io.entity.InputStreamEntity;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.http.impl.io.HttpRequestExecutor;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.io.ModalCloseable;
import org.apache.hc.core5.pool.PoolConcurrencyPolicy;
import org.apache.hc.core5.pool.PoolReusePolicy;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

/**
 * The gateway's HTTP/1.1 client for upstream MCP servers: Apache HttpClient 5 classic, blocking on
 * the request's own virtual thread (no executor hand-offs), with a keep-alive pool per upstream
 * (unbounded for practical purposes: every SSE stream holds a connection). Nothing is added to or
 * taken from the exchange: no redirects followed, no retries (a tool call is never sent twice), no
 * compression negotiated or undone, no cookies, no authentication, no {@code Upgrade} offered, no
 * {@code User-Agent} of its own.
 * <p>
 * The response timeout is a limit on upstream silence: waiting for the response headers, and
 * between reads of a non-streaming body. Once the headers say {@code text/event-stream} it is
 * lifted for that exchange, so SSE streams live as long as both ends want. A request with a body
 * must have its response headers within the timeout of being sent, however long the upload takes
 * (a backend that stops reading the body would otherwise hold the exchange forever).
 * <p>
 * {@link Response#body()} closes the upstream connection, without draining it, unless it was read
 * to the end (then the connection goes back to the pool); closing it from another thread unblocks
 * a read in progress.
 */
final class UpstreamClient implements AutoCloseable {

	private static final int MAX_CONNECTIONS_PER_UPSTREAM = 65_536;

	private final CloseableHttpClient client;

	/** Cancels exchanges whose upload outlasts the response timeout; one thread, tasks removed when cancelled. */
	private final ScheduledThreadPoolExecutor deadlines;

	private final Duration connectTimeout;

	private volatile RequestConfig requestConfig;

	UpstreamClient(Duration connectTimeout, Duration responseTimeout) {
		this.connectTimeout = connectTimeout;
		this.deadlines = new ScheduledThreadPoolExecutor(1,
				Thread.ofPlatform().name("gatehouse-upstream-deadlines").daemon().factory());
		this.deadlines.setRemoveOnCancelPolicy(true);
		this.client = HttpClients.custom()
			.setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
				.setConnectionFactory(ConnectionBuffers.upstreamConnections())
				.setPoolConcurrencyPolicy(PoolConcurrencyPolicy.LAX)
				.setConnPoolPolicy(PoolReusePolicy.LIFO)
				.setMaxConnPerRoute(MAX_CONNECTIONS_PER_UPSTREAM)
				.setMaxConnTotal(MAX_CONNECTIONS_PER_UPSTREAM)
				.setDefaultConnectionConfig(ConnectionConfig.custom()
					.setConnectTimeout(Timeout.of(connectTimeout))
					// a pooled connection idle this long is checked before reuse: backends close idle ones
					.setValidateAfterInactivity(TimeValue.ofSeconds(2))
					.build())
				.build())
			.setRequestExecutor(new EventStreamAwareExecutor())
			.evictIdleConnections(TimeValue.ofSeconds(30))
			.disableRedirectHandling()
			.disableAutomaticRetries()
			.disableContentCompression()
			.disableCookieManagement()
			.disableAuthCaching()
			.disableDefaultUserAgent()
			.build();
		responseTimeout(responseTimeout);
	}

	Duration connectTimeout() {
		return this.connectTimeout;
	}

	/** Applies to exchanges that start from now on. */
	void responseTimeout(Duration responseTimeout) {
		this.requestConfig = RequestConfig.custom()
			.setConnectionRequestTimeout(Timeout.of(this.connectTimeout))
			.setResponseTimeout(Timeout.of(responseTimeout))
			.setRedirectsEnabled(false)
			.setProtocolUpgradeEnabled(false)
			.setExpectContinueEnabled(false)
			.build();
	}

	/**
	 * Sends the request and returns once the upstream's response headers are in.
	 * @param body the request body, or {@code null}
	 * @param length its length, {@code -1} if unknown (sent chunked)
	 * @throws IOException when no response arrived; {@link UpstreamFailure#of} tells why
	 */
	Response send(String method, URI uri, HttpHeaders headers, InputStream body, long length, TraceHeaders trace)
			throws IOException {
		HttpUriRequestBase request = new HttpUriRequestBase(method, uri);
		RequestConfig config = this.requestConfig;
		request.setConfig(config);
		headers.forEach((name, values) -> values.forEach((value) -> request.addHeader(name, value)));
		trace.inject(request);
		ScheduledFuture<?> uploadDeadline = null;
		AtomicBoolean uploadTimedOut = new AtomicBoolean();
		if (body != null) {
			request.setEntity(new InputStreamEntity(new AbortingUpload(body, request), length, null));
			// a socket timeout covers reads only: a backend that stops reading the body would block the write
			uploadDeadline = this.deadlines.schedule(() -> {
				uploadTimedOut.set(true);
				request.cancel();
			}, config.getResponseTimeout().toMilliseconds(), TimeUnit.MILLISECONDS);
		}
		ClassicHttpResponse response;
		try {
			response = this.client.executeOpen(null, request, null);
		}
		catch (IOException ex) {
			throw uploadTimedOut.get() ? new UploadTimeoutException(ex) : ex;
		}
		finally {
			if (uploadDeadline != null) {
				uploadDeadline.cancel(false);
			}
		}
		HttpHeaders responseHeaders = new HttpHeaders();
		for (Header header : response.getHeaders()) {
			responseHeaders.add(header.getName(), header.getValue());
		}
		HttpEntity entity = response.getEntity();
		InputStream content;
		try {
			content = (entity != null) ? entity.getContent() : InputStream.nullInputStream();
		}
		catch (IOException | RuntimeException ex) {
			request.cancel();
			response.close();
			throw ex;
		}
		return new Response(response.getCode(), responseHeaders, new Body(content, request, response));
	}

	/** Closes every pooled and open upstream connection. */
	@Override
	public void close() {
		this.deadlines.shutdownNow();
		this.client.close(CloseMode.IMMEDIATE);
	}

	record Response(int status, HttpHeaders headers, InputStream body) {
	}

	/** The upstream stopped reading the request body for longer than the response timeout. */
	static final class UploadTimeoutException extends IOException {

		UploadTimeoutException(IOException cause) {
			super("request body not taken by the upstream in time", cause);
		}

	}

	/**
	 * A request body that aborts the upstream connection when reading it fails (over the size limit,
	 * or the client left): the HTTP client would otherwise end a chunked body cleanly on the way out,
	 * and the backend would take a truncated body for a whole one.
	 */
	private static final class AbortingUpload extends FilterInputStream {

		private final HttpUriRequestBase request;

		AbortingUpload(InputStream body, HttpUriRequestBase request) {
			super(body);
			this.request = request;
		}

		@Override
		public int read() throws IOException {
			try {
				return super.read();
			}
			catch (IOException | RuntimeException ex) {
				this.request.cancel();
				throw ex;
			}
		}

		@Override
		public int read(byte[] buffer, int offset, int length) throws IOException {
			try {
				return super.read(buffer, offset, length);
			}
			catch (IOException | RuntimeException ex) {
				this.request.cancel();
				throw ex;
			}
		}

	}

	/** A response body whose close() keeps the connection only if it was read to the end. */
	private static final class Body extends FilterInputStream {

		private final HttpUriRequestBase request;

		private final ClassicHttpResponse response;

		private volatile boolean ended;

		Body(InputStream content, HttpUriRequestBase request, ClassicHttpResponse response) {
			super(content);
			this.request = request;
			this.response = response;
		}

		@Override
		public int read() throws IOException {
			int read = super.read();
			if (read == -1) {
				this.ended = true;
			}
			return read;
		}

		@Override
		public int read(byte[] buffer, int offset, int length) throws IOException {
			int read = super.read(buffer, offset, length);
			if (read == -1) {
				this.ended = true;
			}
			return read;
		}

		@Override
		public void close() throws IOException {
			if (this.ended) {
				this.response.close();
			}
			else {
				// not drained: an SSE stream never ends, and the rest of any other body is of no use
				this.request.cancel();
				if (this.response instanceof ModalCloseable closeable) {
					closeable.close(CloseMode.IMMEDIATE);
				}
			}
		}

	}

	/** Lifts the silence limit of an exchange whose response is an event stream. */
	private static final class EventStreamAwareExecutor extends HttpRequestExecutor {

		@Override
		public ClassicHttpResponse execute(ClassicHttpRequest request, HttpClientConnection connection,
				HttpResponseInformationCallback informationCallback, HttpContext context)
				throws IOException, HttpException {
			ClassicHttpResponse response = super.execute(request, connection, informationCallback, context);
			Header type = response.getFirstHeader(HttpHeaders.CONTENT_TYPE);
			if (type != null && isEventStream(type.getValue())) {
				connection.setSocketTimeout(Timeout.DISABLED);
			}
			return response;
		}

	}

	static boolean isEventStream(String contentType) {
		try {
			return contentType != null && MediaType.TEXT_EVENT_STREAM.isCompatibleWith(MediaType.parseMediaType(contentType));
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

}
