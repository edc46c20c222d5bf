package dev.gatehouse.refusal;

import java.io.IOException;
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** Writes a refusal for a {@link Reason}: status, challenge, JSON body, log line and meter, in one place. */
public interface Rejections {

	/**
	 * @param stepUpScopes for {@link Reason#INSUFFICIENT_SCOPE}: the scopes to ask for; otherwise empty
	 */
	void reject(HttpServletRequest request, HttpServletResponse response, Reason reason, Set<String> stepUpScopes)
			throws IOException;

}
