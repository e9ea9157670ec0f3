package org.latentlab.server.internal;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.latentlab.server.internal.rest.ErrorBody;
import org.osgi.service.component.annotations.Component;

/**
 * Every 4xx and 5xx answer the servlet container makes itself (e.g. a path it rejects before a
 * servlet sees it) as JSON {@code {"error": "..."}}, like the API's own errors, instead of Jetty's HTML page.
 */
@Component(service = Servlet.class, property = {"osgi.http.whiteboard.servlet.errorPage=4xx",
        "osgi.http.whiteboard.servlet.errorPage=5xx", "osgi.http.whiteboard.servlet.name=latentlab-errors"})
public class ErrorPageServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Object code = req.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer i ? i : resp.getStatus() >= 400 ? resp.getStatus() : 500;
        Object msg = req.getAttribute(RequestDispatcher.ERROR_MESSAGE);
        String text = msg == null || String.valueOf(msg).isBlank() ? reason(status) : String.valueOf(msg);
        if (status >= 500) {
            text = "internal error; see the server's log (DATA/logs/server.log)"; // never a stack trace or class name
        }
        Object uri = req.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        String path = uri == null ? "" : " (" + uri + ")";
        boolean api = uri != null && String.valueOf(uri).startsWith("/api/");
        if (status == 404 && !api) { // a path the page's resources do not have
            text = "nothing at " + uri + "; the page is at /, the API under /api/";
            path = "";
        }
        resp.setHeader("Cache-Control", "no-store");
        HttpAnswers.securityHeaders(resp, !api);
        HttpAnswers.json(resp, status, new ErrorBody(text + path));
    }

    private static String reason(int status) {
        return switch (status) {
            case 400 -> "bad request";
            case 401 -> "missing or wrong token";
            case 403 -> "forbidden";
            case 404 -> "not found";
            case 405 -> "method not allowed";
            case 413 -> "request body too large";
            case 414 -> "request URI too long";
            case 415 -> "unsupported media type";
            default -> "HTTP " + status;
        };
    }
}
