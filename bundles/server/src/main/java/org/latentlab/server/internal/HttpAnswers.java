package org.latentlab.server.internal;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.latentlab.server.internal.rest.ErrorBody;

/**
 * What every answer of the server carries: JSON bodies, JSON errors ({@code {"error": "..."}}, never
 * an HTML error page), and the security headers.
 */
final class HttpAnswers {

    /** The page: its own scripts and styles only, talks to its own origin, frames only its own reports, is framed by nobody. */
    static final String PAGE_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /**
     * API answers, including result files such as report.html: no scripts at all, inline styles and
     * images of the same origin (a report's pictures), shown in a frame by the page of the same origin only.
     */
    static final String API_POLICY = "default-src 'none'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            + "base-uri 'none'; form-action 'none'; frame-ancestors 'self'";

    private HttpAnswers() {}

    /** The page may not be framed; API answers (the report) only by the page. */
    static void securityHeaders(HttpServletResponse resp, boolean page) {
        resp.setHeader("Content-Security-Policy", page ? PAGE_POLICY : API_POLICY);
        resp.setHeader("X-Frame-Options", page ? "DENY" : "SAMEORIGIN");
        resp.setHeader("X-Content-Type-Options", "nosniff");
        resp.setHeader("Referrer-Policy", "no-referrer");
    }

    /** A body (a record of {@code rest}, a list or map of them) as JSON. */
    static void json(HttpServletResponse resp, int status, Object body) throws IOException {
        resp.setStatus(status);
        resp.setContentType("application/json");
        resp.setCharacterEncoding("utf-8");
        Json.ANSWER.writeValue(resp.getWriter(), body);
    }

    /**
     * Replaces whatever was started with {@code {"error": message}}; does nothing once the answer is on
     * its way (e.g. an event stream).
     */
    static void error(HttpServletResponse resp, int status, String message, boolean page) throws IOException {
        if (resp.isCommitted()) {
            return;
        }
        resp.reset(); // drops a half-written body and its length; then the headers every answer needs again
        resp.setHeader("Cache-Control", "no-store");
        securityHeaders(resp, page);
        if (status == 401) {
            resp.setHeader("WWW-Authenticate", "Bearer");
        }
        if (status == 413) {
            resp.setHeader("Connection", "close"); // the rest of the body is not read
        }
        json(resp, status, new ErrorBody(message));
    }
}
