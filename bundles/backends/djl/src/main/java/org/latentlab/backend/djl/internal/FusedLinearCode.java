package org.latentlab.backend.djl.internal;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The code of a traced TorchScript archive with each {@code Linear} that feeds a {@code ReLU} or {@code Sigmoid}
 * (and nothing else) run as one oneDNN operation: {@code mkldnn::_linear_pointwise} with the bias and the activation
 * fused, by {@link #of} on weights packed once ({@code mkldnn::_reorder_linear_weight}, kept as the module's weight from
 * its first call), or as {@link Weights} says. Used for the bfloat16 version ({@link DjlLowPrecisionModel}): there
 * libtorch's own bias copy, ReLU and sigmoid passes took about a quarter of the map's time, and fused the map runs
 * about 1.4x the seed-steps per second (784-512-256-32 MLP, 4,096 rows, 2026-12-06; unpacked weights are reordered on
 * every call and lose).
 *
 * <p>{@link Weights#PACKED_IN_WHOLE_BLOCKS} is the float32 form ({@link OneDnnFloat32}): the same fusion, with a Linear's weights
 * packed only where its out-features fill whole blocks of {@value #WHOLE_BLOCK}, and as they are elsewhere. Packed
 * float32 weights whose out-features do not fill whole blocks are wrong: libtorch 2.7.1's {@code _linear_pointwise} on
 * them (oneDNN 3.7.1, {@code brgemm:avx512_core}, weights packed as {@code AB16b64a} with the out-features padded,
 * 784 to 832) computed the MLP's decoder 1.6-2.3 % off (relative, row by row), while its encoder (512 and 256
 * out-features) came out right to rounding (7e-7); packed only in whole blocks, the decoder is right too (8e-8) and the
 * map runs 1.05x the seed-steps per second of unpacked weights at 4,096 rows, 1.09x at 1,024 (AMD EPYC, 2026-12-06).
 * {@link Weights#AS_THEY_ARE}, every weight as it is, is the fallback when the packed form disagrees with the model.
 *
 * <p>Only code in the exact form {@code torch.jit.trace} writes is touched, so nothing else can change meaning:
 * <ul>
 * <li>a Linear class, alone in its file, whose only method is {@code forward} = {@code torch.linear(x, self.weight,
 * self.bias)} gets a method {@code latentlab_relu} / {@code latentlab_sigmoid}; its {@code forward} stays and also
 * takes the packed weight (as {@code _linear_pointwise} without activation), should other code reach the module;</li>
 * <li>an activation class, alone in its file, whose only method returns {@code torch.relu(x)} /
 * {@code torch.sigmoid(x)};</li>
 * <li>in a container class's forward (each class of a file on its own: annotations and variables are per class), a call {@code (B).forward((A).forward(ARGS), )} where A's submodule is such a
 * Linear and B's such an activation becomes {@code (A).latentlab_relu(ARGS)}, and so do {@code _V = (A).forward(ARGS)}
 * with a later {@code (B).forward(_V, )} where {@code _V} is used nowhere else (then {@code _V = (A).latentlab_relu(ARGS)}
 * and {@code _V}); only when that Linear's class belongs to this one submodule, and the submodule appears at this one
 * call (its packed weight is then seen by no other code).</li>
 * </ul>
 * Anything else stays as it is; no match, no change; code it cannot read gives no change, never an exception. Whether
 * the result computes the same map is checked by the caller, which falls back to the unfused archive when it does not
 * load or disagrees.
 */
final class FusedLinearCode {

    private FusedLinearCode() {}

    /** A Linear's forward as traced, to the end of the file (a file of one class and one method: {@link #single}). */
    private static final Pattern LINEAR = Pattern.compile("\n  def forward\\(self: ([\\w.]+),\n    (\\w+): Tensor\\) -> Tensor:\n"
            + "    bias = self\\.bias\n    weight = self\\.weight\n"
            + "(    return torch\\.linear\\(\\2, weight, bias\\)\n|    (\\w+) = torch\\.linear\\(\\2, weight, bias\\)\n    return \\4\n)"
            + "\\s*\\z");
    private static final Pattern ACTIVATION = Pattern.compile("\n  def forward\\(self: ([\\w.]+),\n    (\\w+): Tensor\\) -> Tensor:\n"
            + "    return torch\\.(relu|sigmoid)\\(\\2\\)\n\\s*\\z");
    private static final Pattern ANNOTATION = Pattern.compile("__annotations__\\[\"(\\w+)\"\\] = ([\\w.]+)\n");
    private static final Pattern GETATTR = Pattern.compile("    (\\w+) = getattr\\(self, \"(\\w+)\"\\)\n");
    private static final Pattern STATEMENT = Pattern.compile("\n    (\\w+) = \\((\\w+)\\)\\.forward\\(");
    private static final Pattern NESTED = Pattern.compile("\\((\\w+)\\)\\.forward\\(\\((\\w+)\\)\\.forward\\(");

    /**
     * The archive's entries with fused code, or {@code entries} itself when nothing is fused or the code cannot be read
     * (never an exception: the unfused archive then serves).
     */
    static Map<String, byte[]> of(Map<String, byte[]> entries) {
        return of(entries, Weights.PACKED);
    }

    /** The block of out-features that oneDNN's float32 packing ({@code AB16b64a}) fills without padding. */
    static final int WHOLE_BLOCK = 64;

    /** How the fused layers take their weights. */
    enum Weights {
        /** Packed once for oneDNN ({@code _reorder_linear_weight}) at the first call. */
        PACKED,
        /** As they are: oneDNN prepares them at every call. */
        AS_THEY_ARE,
        /** Packed where the out-features are a multiple of {@link #WHOLE_BLOCK}, as they are elsewhere. */
        PACKED_IN_WHOLE_BLOCKS
    }

    /** As {@link #of(Map)}, the fused layers taking their weights as {@code weights} says. */
    static Map<String, byte[]> of(Map<String, byte[]> entries, Weights weights) {
        try {
            return fuse(entries, weights);
        } catch (RuntimeException | StackOverflowError e) {
            return entries;
        }
    }

    /** Whether {@code text} holds one class with one method. */
    static boolean single(String text) {
        return text.startsWith("class ") && !text.contains("\nclass ") && count(text, "\n  def ") == 1;
    }

    private static Map<String, byte[]> fuse(Map<String, byte[]> entries, Weights weights) {
        boolean pack = weights != Weights.AS_THEY_ARE;
        Map<String, String> code = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
            if (e.getKey().contains("/code/") && e.getKey().endsWith(".py")) {
                code.put(e.getKey(), new String(e.getValue(), StandardCharsets.UTF_8));
            }
        }
        Map<String, String> linearFile = new HashMap<>(); // class -> file
        Map<String, String> activation = new HashMap<>(); // class -> relu | sigmoid
        for (Map.Entry<String, String> e : code.entrySet()) {
            String text = e.getValue();
            if (!single(text)) {
                continue;
            }
            Matcher l = LINEAR.matcher(text);
            if (text.contains("\n  __parameters__ = [\"weight\", \"bias\", ]\n") && l.find()) {
                linearFile.put(l.group(1), e.getKey());
            }
            Matcher a = ACTIVATION.matcher(text);
            if (a.find()) {
                activation.put(a.group(1), a.group(3));
            }
        }
        if (linearFile.isEmpty() || activation.isEmpty()) {
            return entries;
        }
        Map<String, String> rewritten = new LinkedHashMap<>();
        Map<String, Set<String>> fusedKinds = new HashMap<>(); // Linear class -> activations it fuses
        for (Map.Entry<String, String> e : code.entrySet()) {
            // a file may hold several classes (all those of one qualified prefix): each is its own scope
            String text = e.getValue();
            StringBuilder out = new StringBuilder();
            boolean changed = false;
            int start = 0;
            while (start < text.length()) {
                int next = text.indexOf("\nclass ", start);
                int end = next < 0 ? text.length() : next + 1;
                String cls = text.substring(start, end);
                String fused = fuseClass(cls, code, linearFile, activation, fusedKinds);
                changed |= !fused.equals(cls);
                out.append(fused);
                start = end;
            }
            if (changed) {
                rewritten.put(e.getKey(), out.toString());
            }
        }
        if (fusedKinds.isEmpty()) {
            return entries;
        }
        for (Map.Entry<String, Set<String>> f : fusedKinds.entrySet()) {
            String file = linearFile.get(f.getKey());
            String text = code.get(file);
            Matcher l = LINEAR.matcher(text);
            if (!l.find()) {
                return entries;
            }
            StringBuilder fused = new StringBuilder(text.substring(0, l.start(3)));
            if (pack) { // the Linear's own forward also takes a packed weight, should any other code reach the module
                fused.append("    if weight.is_mkldnn:\n")
                        .append("      return ops.mkldnn._linear_pointwise(").append(l.group(2)).append(", weight, bias, \"none\", ")
                        .append("annotate(List[Optional[number]], []), \"\")\n");
            }
            fused.append(l.group(3));
            for (String kind : f.getValue()) {
                fused.append("  def latentlab_").append(kind).append("(self: ").append(f.getKey()).append(",\n")
                        .append("    x: Tensor) -> Tensor:\n")
                        .append("    weight = self.weight\n");
                if (pack) { // packed at the first call: the model's probe, on one thread, before any caller has the model
                    String whole = weights == Weights.PACKED ? "" : " and weight.size(0) % " + WHOLE_BLOCK + " == 0";
                    fused.append("    if not weight.is_mkldnn").append(whole).append(":\n")
                            .append("      weight = ops.mkldnn._reorder_linear_weight(weight, 2048)\n")
                            .append("      self.weight = weight\n");
                }
                fused.append("    return ops.mkldnn._linear_pointwise(x, weight, self.bias, \"").append(kind)
                        .append("\", annotate(List[Optional[number]], []), \"\")\n");
            }
            rewritten.put(file, fused.toString());
        }
        Map<String, byte[]> out = new LinkedHashMap<>(entries);
        for (Map.Entry<String, String> r : rewritten.entrySet()) {
            out.put(r.getKey(), r.getValue().getBytes(StandardCharsets.UTF_8));
            out.remove(r.getKey() + ".debug_pkl"); // source ranges of the old text
        }
        return out;
    }

    /** One class's code with its fusable calls fused (recorded in {@code fusedKinds}), or {@code text} itself. */
    private static String fuseClass(String text, Map<String, String> code, Map<String, String> linearFile,
            Map<String, String> activation, Map<String, Set<String>> fusedKinds) {
        Map<String, String> typeOf = new HashMap<>(); // submodule name -> class
        Matcher an = ANNOTATION.matcher(text);
        while (an.find()) {
            typeOf.put(an.group(1), an.group(2));
        }
        Map<String, String> varType = new HashMap<>(); // variable -> class
        Matcher g = GETATTR.matcher(text);
        while (g.find()) {
            String type = typeOf.get(g.group(2));
            if (type != null) {
                varType.put(g.group(1), type);
            }
        }
        if (varType.isEmpty()) {
            return text;
        }
        String out = text;
        Matcher n = NESTED.matcher(out);
        int from = 0;
        while (n.find(from)) {
            String act = varType.get(n.group(1));
            String lin = varType.get(n.group(2));
            String kind = act == null ? null : activation.get(act);
            int argsStart = n.end();
            int close = kind == null || lin == null || !linearFile.containsKey(lin) ? -1 : closing(out, argsStart);
            if (close < 0 || !out.startsWith(", )", close + 1) || !usedOnce(code, lin, n.group(2), out)) {
                from = n.start() + 1;
                continue;
            }
            // (B).forward((A).forward(ARGS), )  ->  (A).latentlab_KIND(ARGS)
            out = out.substring(0, n.start()) + "(" + n.group(2) + ").latentlab_" + kind + "(" + out.substring(argsStart, close + 1)
                    + out.substring(close + 4);
            fusedKinds.computeIfAbsent(lin, k -> new TreeSet<>()).add(kind);
            from = n.start();
            n = NESTED.matcher(out);
        }
        // _V = (A).forward(ARGS)  ...  (B).forward(_V, )  ->  _V = (A).latentlab_KIND(ARGS)  ...  _V
        Matcher st = STATEMENT.matcher(out);
        from = 0;
        while (st.find(from)) {
            String v = st.group(1);
            String lin = varType.get(st.group(2));
            int close = lin == null || !linearFile.containsKey(lin) ? -1 : closing(out, st.end());
            Matcher use = close < 0 || !out.startsWith(")\n", close) ? null
                    : Pattern.compile("\\((\\w+)\\)\\.forward\\(" + Pattern.quote(v) + ", \\)").matcher(out);
            String kind = null;
            if (use != null && use.find(close) && words(out, v) == 2) {
                String act = varType.get(use.group(1));
                kind = act == null ? null : activation.get(act);
            }
            if (kind == null || !usedOnce(code, lin, st.group(2), out)) {
                from = st.end();
                continue;
            }
            out = out.substring(0, use.start()) + v + out.substring(use.end());
            out = out.substring(0, st.start(2) - 1) + "(" + st.group(2) + ").latentlab_" + kind + "(" + out.substring(st.end());
            fusedKinds.computeIfAbsent(lin, k -> new TreeSet<>()).add(kind);
            from = st.start();
            st = STATEMENT.matcher(out);
        }
        return out;
    }

    /** Index of the parenthesis closing the call whose arguments start at {@code start}, or -1. */
    static int closing(String s, int start) {
        int depth = 1;
        for (int i = start; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                return i;
            } else if (c == '"' || c == '\n') {
                return -1; // strings and line breaks: not the simple nested call this handles
            }
        }
        return -1;
    }

    /**
     * Whether the Linear class {@code cls} is named in one annotation of all the code (one submodule has it) and the
     * variable {@code var} appears twice in the container class's text (bound, then this one call). Code elsewhere that
     * reaches the submodule by a path (getattr on a child) is not seen here: the Linear's own forward therefore also
     * takes the packed weight.
     */
    private static boolean usedOnce(Map<String, String> code, String cls, String var, String container) {
        String annotated = "] = " + cls + "\n";
        int annotations = 0;
        for (String text : code.values()) {
            annotations += count(text, annotated);
        }
        return annotations == 1 && count(container, "    " + var + " = getattr(self, ") == 1
                && words(container, var) == 2;
    }

    private static long words(String text, String word) {
        return Pattern.compile("\\b" + Pattern.quote(word) + "\\b").matcher(text).results().count();
    }

    private static int count(String text, String what) {
        int c = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            c++;
        }
        return c;
    }
}
