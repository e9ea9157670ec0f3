package org.latentlab.doctor.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.namespace.ExecutionEnvironmentNamespace;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRequirement;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.resource.Namespace;

/**
 * Why a bundle cannot resolve, in words: the mandatory requirements of its manifest that no installed
 * bundle provides (a missing package, or the API in another major version).
 */
final class Requirements {

    private static final Pattern PACKAGE = Pattern.compile("\\(osgi\\.wiring\\.package=([^)]*)\\)");
    private static final Pattern BUNDLE = Pattern.compile("\\(osgi\\.wiring\\.bundle=([^)]*)\\)");
    private static final Pattern HOST = Pattern.compile("\\(osgi\\.wiring\\.host=([^)]*)\\)");
    private static final Pattern AT_LEAST = Pattern.compile("(?<!!)\\(version>=([^)]*)\\)");
    private static final Pattern BELOW = Pattern.compile("\\(!\\(version>=([^)]*)\\)\\)");
    private static final Pattern EE_VERSION = Pattern.compile("\\(version=([^)]*)\\)");

    private Requirements() {}

    /** One phrase per missing requirement; empty when every requirement has a provider. */
    static List<String> missing(BundleContext context, Bundle bundle) {
        BundleRevision revision = bundle.adapt(BundleRevision.class);
        if (revision == null) {
            return List.of();
        }
        FrameworkWiring wiring = context.getBundle(0).adapt(FrameworkWiring.class);
        List<String> out = new ArrayList<>();
        for (BundleRequirement r : revision.getDeclaredRequirements(null)) {
            Map<String, String> d = r.getDirectives();
            if (Namespace.RESOLUTION_OPTIONAL.equals(d.get(Namespace.REQUIREMENT_RESOLUTION_DIRECTIVE))
                    || "dynamic".equals(d.get(Namespace.REQUIREMENT_RESOLUTION_DIRECTIVE))
                    || !Namespace.EFFECTIVE_RESOLVE.equals(d.getOrDefault(Namespace.REQUIREMENT_EFFECTIVE_DIRECTIVE,
                            Namespace.EFFECTIVE_RESOLVE))) {
                continue;
            }
            if (wiring.findProviders(r).isEmpty()) {
                out.add(describe(context, r));
            }
        }
        return out;
    }

    static String describe(BundleContext context, BundleRequirement r) {
        String filter = r.getDirectives().getOrDefault(Namespace.REQUIREMENT_FILTER_DIRECTIVE, "");
        switch (r.getNamespace()) {
            case BundleRevision.PACKAGE_NAMESPACE -> {
                String name = group(PACKAGE, filter);
                if (name == null) {
                    break;
                }
                TreeSet<String> versions = new TreeSet<>();
                for (Bundle b : context.getBundles()) {
                    BundleRevision rev = b.adapt(BundleRevision.class);
                    if (rev == null) {
                        continue;
                    }
                    for (BundleCapability c : rev.getDeclaredCapabilities(BundleRevision.PACKAGE_NAMESPACE)) {
                        if (name.equals(c.getAttributes().get(BundleRevision.PACKAGE_NAMESPACE))) {
                            versions.add(String.valueOf(c.getAttributes().get("version")));
                        }
                    }
                }
                return "package " + name + range(filter) + (versions.isEmpty() ? ", which no bundle of this lab exports"
                        : ", but this lab has version " + String.join(", ", versions)
                        + " (the plugin was built against another version: rebuild it against this lab)");
            }
            case BundleRevision.BUNDLE_NAMESPACE -> {
                String name = group(BUNDLE, filter);
                if (name != null) {
                    return "bundle " + name + range(filter) + ", which is not installed";
                }
            }
            case BundleRevision.HOST_NAMESPACE -> {
                String name = group(HOST, filter);
                if (name != null) {
                    boolean installed = java.util.Arrays.stream(context.getBundles()).anyMatch(b -> name.equals(b.getSymbolicName()));
                    return "host bundle " + name + range(filter) + " (it is a fragment), " + (installed
                            ? "which was already running when the fragment came: restart the lab to attach it"
                            : "which is not installed");
                }
            }
            case ExecutionEnvironmentNamespace.EXECUTION_ENVIRONMENT_NAMESPACE -> {
                String v = group(EE_VERSION, filter);
                return "Java " + (v == null ? filter : v) + ", but the lab runs on Java " + Runtime.version().feature();
            }
            default -> {
                // described below
            }
        }
        return "the capability " + r.getNamespace() + " " + filter + ", which no installed bundle provides";
    }

    /** The version range of a filter as bnd writes it: (version>=1.0.0)(!(version>=2.0.0)) gives " [1.0.0,2.0.0)". */
    private static String range(String filter) {
        String low = group(AT_LEAST, filter);
        String high = group(BELOW, filter);
        if (low == null && high == null) {
            return "";
        }
        if (high == null) {
            return " " + low + " or later";
        }
        return " [" + (low == null ? "0.0.0" : low) + "," + high + ")";
    }

    private static String group(Pattern p, String text) {
        Matcher m = p.matcher(text);
        return m.find() ? m.group(1) : null;
    }
}
