package org.latentlab.server.internal;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.util.Map;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardFilterName;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardFilterPattern;

/**
 * What the page's static files ({@link PageResources}) need beyond being served: the page's security
 * headers (Content-Security-Policy, X-Frame-Options: DENY, nosniff), {@code /} answered with
 * {@code index.html}, GET and HEAD only, and content types with their charset. The API under
 * {@code /api/} passes untouched: it sets its own headers.
 */
@Component(service = Filter.class)
@HttpWhiteboardFilterPattern(PageResources.PATTERN)
@HttpWhiteboardFilterName("latentlab-page")
public class PageFilter implements Filter {

    static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8", "svg", "image/svg+xml");

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest req = (HttpServletRequest) request;
        HttpServletResponse resp = (HttpServletResponse) response;
        String path = req.getRequestURI().substring(req.getContextPath().length());
        if (path.equals("/api") || path.startsWith("/api/")) {
            chain.doFilter(request, response);
            return;
        }
        HttpAnswers.securityHeaders(resp, true);
        String m = req.getMethod();
        if (!m.equals("GET") && !m.equals("HEAD")) {
            resp.setHeader("Allow", "GET, HEAD");
            HttpAnswers.error(resp, 405, "the page only answers GET; the API is under /api/", true);
            return;
        }
        boolean root = path.isEmpty() || path.equals("/");
        String name = root ? "index.html" : path.substring(path.lastIndexOf('/') + 1);
        String type = TYPES.get(name.substring(name.lastIndexOf('.') + 1));
        HttpServletResponse typed = type == null ? resp : new TypedResponse(resp, type);
        if (root) {
            req.getRequestDispatcher("/index.html").forward(req, typed);
        } else {
            chain.doFilter(req, typed);
        }
    }

    /** Keeps the page's content type (with its charset) whatever the resource servlet guesses. */
    private static final class TypedResponse extends HttpServletResponseWrapper {
        TypedResponse(HttpServletResponse resp, String type) {
            super(resp);
            resp.setContentType(type);
        }

        @Override
        public void setContentType(String ignored) {
            // the type set above stays
        }
    }
}
