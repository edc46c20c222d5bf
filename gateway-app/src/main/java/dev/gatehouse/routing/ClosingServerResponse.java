package dev.gatehouse.routing;

import java.io.IOException;
import java.io.InputStream;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.util.MultiValueMap;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * A proxied response that closes the upstream body whatever happens when it is written: Spring may
 * answer a conditional GET with 304 itself (ETag or Last-Modified from the upstream) and never run
 * the body writer, which would leave the upstream connection open.
 */
final class ClosingServerResponse implements ServerResponse {

	private final ServerResponse delegate;

	private final InputStream upstreamBody;

	ClosingServerResponse(ServerResponse delegate, InputStream upstreamBody) {
		this.delegate = delegate;
		this.upstreamBody = upstreamBody;
	}

	@Override
	public HttpStatusCode statusCode() {
		return this.delegate.statusCode();
	}

	@Override
	public HttpHeaders headers() {
		return this.delegate.headers();
	}

	@Override
	public MultiValueMap<String, Cookie> cookies() {
		return this.delegate.cookies();
	}

	@Override
	public ModelAndView writeTo(HttpServletRequest request, HttpServletResponse response, Context context)
			throws ServletException, IOException {
		try {
			return this.delegate.writeTo(request, response, context);
		}
		finally {
			this.upstreamBody.close();
		}
	}

}
