package org.latentlab.report.internal;

/** HTML escaping. */
final class Html {
    private Html() {}

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;").replace("\"", "&quot;");
    }
}
