package org.latentlab.rowworkers;

import java.util.Locale;

/**
 * Whether libtorch's float32 linear layers run on oneDNN rather than MKL: one rule for the backend's float32 map
 * ({@code OneDnnFloat32}) and training's written-out step ({@code MlpStep}). The system property {@value #PROPERTY} is
 * {@code on}, {@code off} or {@code auto} (default): auto means CPUs other than Intel's, where MKL runs generic kernels.
 */
public final class Float32OneDnn {

    /** auto (default), on (or true), off (or false). */
    public static final String PROPERTY = "latentlab.float32.onednn";

    private Float32OneDnn() {}

    /** Null when oneDNN is asked for (by the setting or, for auto, by the CPU); else why not, for messages. */
    public static String refusal() {
        String setting = System.getProperty(PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
        if (setting.equals("on") || setting.equals("true")) {
            return null;
        }
        if (setting.equals("off") || setting.equals("false")) {
            return PROPERTY + "=" + setting;
        }
        String vendor = cpuVendor();
        if (vendor.isEmpty()) {
            return "the CPU's vendor is unknown";
        }
        return vendor.equals("GenuineIntel") ? "an Intel CPU (MKL's own kernels are fast there)" : null;
    }

    /** /proc/cpuinfo's vendor_id (Linux), or empty. */
    public static String cpuVendor() {
        return CpuInfo.field("vendor_id");
    }
}
