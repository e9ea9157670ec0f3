package org.latentlab.backend.djl.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latentlab.api.Tensor;
import org.latentlab.api.model.LatentModel;
import org.latentlab.api.model.ModelSpec;

/**
 * The bfloat16 version of TorchScript models ({@link DjlLowPrecisionModel}, {@link Bfloat16Archive}): the rounding,
 * the archive rewrite on real TorchScript files, the converted map against the model (close, but not equal: it does
 * run in bfloat16), the switches, and archives it must refuse. Forced on with {@code latentlab.bfloat16=on} so it also
 * runs on CPUs without bfloat16 instructions (where libtorch computes bfloat16 slowly, but the same).
 */
class DjlLowPrecisionModelTest {

    static final Path MLP784 = LatentStepsTest.MLP784.resolve("mlp784-torchscript");

    @BeforeAll
    static void offlineEngines() {
        DjlBackendsTest.offlineEngines();
    }

    @AfterEach
    void clearSwitch() {
        System.clearProperty(DjlLowPrecisionModel.PROPERTY);
    }

    static LatentModel mlp() {
        return new TorchScriptBackend().load(new ModelSpec(MLP784, "mlp784", new int[] {784}, 32, "encoder.pt", "decoder.pt", null));
    }

    @Test
    void roundsToNearestEvenAndKeepsSpecialValues() {
        assertEquals((short) 0x3F80, Bfloat16Archive.bfloat16(1.0f));
        assertEquals((short) 0x3F80, Bfloat16Archive.bfloat16(1.00390625f)); // 1 + 2^-8: halfway, ties to even (down)
        assertEquals((short) 0x3F82, Bfloat16Archive.bfloat16(1.01171875f)); // 1 + 3·2^-8: halfway, ties to even (up)
        assertEquals((short) 0x3F81, Bfloat16Archive.bfloat16(1.0078f)); // nearer 1 + 2^-7
        assertEquals((short) 0xC049, Bfloat16Archive.bfloat16(-3.14159f));
        assertEquals(Float.POSITIVE_INFINITY, Bfloat16Archive.toFloat(Bfloat16Archive.bfloat16(Float.POSITIVE_INFINITY)));
        assertEquals(Float.POSITIVE_INFINITY, Bfloat16Archive.toFloat(Bfloat16Archive.bfloat16(Float.MAX_VALUE)));
        assertTrue(Float.isNaN(Bfloat16Archive.toFloat(Bfloat16Archive.bfloat16(Float.NaN))));
        for (float x : new float[] {0.1f, -7.25e-3f, 12345.678f, 1e-30f}) {
            float back = Bfloat16Archive.toFloat(Bfloat16Archive.bfloat16(x));
            assertTrue(Math.abs(back - x) <= Math.abs(x) * 0x1p-9, x + " -> " + back); // half a unit in the last place
        }
    }

    @Test
    void findsEveryFloatStorageOfARealArchive() throws IOException {
        Map<String, byte[]> entries = DjlLowPrecisionModelTest.entries(MLP784.resolve("decoder.pt"));
        String pkl = entries.keySet().stream().filter(n -> n.endsWith("/data.pkl")).findFirst().orElseThrow();
        Bfloat16Archive.Scan scan = Bfloat16Archive.scan(entries.get(pkl), "decoder.pt");
        // three linear layers: a weight and a bias each, one storage per tensor
        assertEquals(6, scan.keys().size(), scan.keys().toString());
        String folder = pkl.substring(0, pkl.length() - "data.pkl".length()) + "data/";
        long floats = 0;
        for (String key : scan.keys()) {
            floats += entries.get(folder + key).length / 4;
        }
        assertEquals(32 * 256 + 256 + 256 * 512 + 512 + 512 * 784 + 784, floats);
        assertFalse(scan.globals().isEmpty());
        byte[] rewritten = Bfloat16Archive.retype(entries.get(pkl), scan.globals());
        String text = new String(rewritten, StandardCharsets.ISO_8859_1);
        assertFalse(text.contains("FloatStorage\n") && !text.contains("BFloat16Storage"), "every type was renamed");
        assertEquals(0, count(text, "ctorch\nFloatStorage\n"));
        assertTrue(count(text, "ctorch\nBFloat16Storage\n") >= 1);
    }

    @Test
    void refusesWhatItCannotRewrite() {
        assertThrows(IOException.class, () -> Bfloat16Archive.scan(new byte[] {(byte) 0x80, 4, '.'}, "p4"), "protocol 4");
        assertThrows(IOException.class, () -> Bfloat16Archive.scan(new byte[] {(byte) 0x80, 2, (byte) 0xFF, '.'}, "junk"));
        assertThrows(IOException.class, () -> Bfloat16Archive.scan(new byte[] {(byte) 0x80, 2, 'N'}, "no stop"));
        Map<String, byte[]> noTensors = new LinkedHashMap<>();
        noTensors.put("m/data.pkl", new byte[] {(byte) 0x80, 2, 'N', '.'});
        IOException e = assertThrows(IOException.class, () -> Bfloat16Archive.rewrite(noTensors, "m.pt"));
        assertTrue(e.getMessage().contains("no float32 tensors"), e.getMessage());
    }

    @Test
    void aCorruptArchiveGivesNoLowPrecisionModelAndSaysWhy(@TempDir Path dir) throws IOException {
        // the float32 model loads from the original files; its bfloat16 version is made from a copy that is then cut short
        Path folder = dir.resolve("m");
        Files.createDirectories(folder);
        for (String f : new String[] {"encoder.pt", "decoder.pt"}) {
            Files.copy(MLP784.resolve(f), folder.resolve(f));
        }
        System.setProperty(DjlLowPrecisionModel.PROPERTY, "on");
        try (LatentModel m = new TorchScriptBackend().load(new ModelSpec(folder, "cut", new int[] {784}, 32, "encoder.pt",
                "decoder.pt", null))) {
            byte[] d = Files.readAllBytes(folder.resolve("decoder.pt"));
            Files.write(folder.resolve("decoder.pt"), java.util.Arrays.copyOf(d, d.length / 2));
            assertTrue(m.lowPrecision().isEmpty());
            assertTrue(DjlLowPrecisionModel.unavailable.contains("could not be made"), DjlLowPrecisionModel.unavailable);
            Tensor z = LatentStepsTest.gaussian(3, 32, 1, 1);
            assertEquals(3 * 32, m.latentSteps(z, 1).data().length, "the model itself is unaffected");
        }
    }

    @Test
    void aModelTooLargeForTheHeapIsRefusedBeforeAnythingIsRead(@TempDir Path dir) throws IOException {
        // sparse files of 1 TiB: the rewrite would need three times that in the heap; nothing may be read or loaded
        for (String f : new String[] {"encoder.pt", "decoder.pt"}) {
            try (java.io.RandomAccessFile r = new java.io.RandomAccessFile(dir.resolve(f).toFile(), "rw")) {
                r.setLength(1L << 40);
            }
        }
        System.setProperty(DjlLowPrecisionModel.PROPERTY, "on");
        try (LatentModel m = mlp(); ai.djl.ndarray.NDManager manager = ai.djl.ndarray.NDManager.newBaseManager("PyTorch")) {
            ModelSpec huge = new ModelSpec(dir, "huge", new int[] {784}, 32, "encoder.pt", "decoder.pt", null);
            assertTrue(DjlLowPrecisionModel.create(huge, m, manager, 512, null).isEmpty());
            assertTrue(DjlLowPrecisionModel.unavailable.contains("MB of Java heap"), DjlLowPrecisionModel.unavailable);
        }
    }

    @Test
    void theBfloat16MapIsCloseToTheModelButNotEqual() {
        System.setProperty(DjlLowPrecisionModel.PROPERTY, "on");
        try (LatentModel m = mlp()) {
            Optional<LatentModel> low = m.lowPrecision();
            assertTrue(low.isPresent(), DjlLowPrecisionModel.unavailable);
            assertTrue(m.lowPrecision().get() == low.get(), "made once");
            Tensor z = LatentStepsTest.gaussian(37, 32, 1, 7); // 37 rows: padded to 64 inside
            float[] f = m.latentSteps(z, 2).data();
            Tensor hz = low.get().latentSteps(z, 2);
            assertArrayEquals(new int[] {2, 37, 32}, hz.shape());
            float[] h = hz.data();
            double[] rel = rowErrors(h, f, 37, 32);
            double worst = java.util.Arrays.stream(rel).max().orElseThrow();
            double least = java.util.Arrays.stream(rel).min().orElseThrow();
            assertTrue(worst < 2e-2, "bfloat16 keeps about 3 digits: worst relative difference " + worst);
            assertTrue(least > 1e-5, "the map does run in bfloat16 (not float32): least relative difference " + least);
            // the second step continues from the first: step 2 of a 2-step call is step 1 of a call on step 1's output
            Tensor again = low.get().latentSteps(Tensor.matrix(37, 32, java.util.Arrays.copyOfRange(h, 0, 37 * 32)), 1);
            for (int i = 0; i < 37 * 32; i++) {
                assertEquals(h[37 * 32 + i], again.data()[i], 1e-2 * Math.max(1, Math.abs(h[37 * 32 + i])), "value " + i);
            }
            Tensor decoded = low.get().decode(z);
            assertArrayEquals(new int[] {37, 784}, decoded.shape());
            assertArrayEquals(new int[] {37, 32}, low.get().encode(decoded).shape());
        }
    }

    @Test
    void linearLayersFeedingAnActivationAreFusedInTheTracedCode() throws IOException {
        Map<String, byte[]> dec = entries(MLP784.resolve("decoder.pt"));
        Map<String, byte[]> fused = FusedLinearCode.of(dec);
        assertTrue(fused != dec, "the traced decoder has Linear-ReLU and Linear-Sigmoid pairs");
        String container = text(fused);
        // linear, relu, linear, relu, linear, sigmoid: three calls fused (two nested, one through a variable), none left
        assertEquals(2, count(container, ".latentlab_relu("), container);
        assertEquals(1, count(container, ".latentlab_sigmoid("), container);
        assertEquals(0, count(container, ".forward("), container);
        assertTrue(container.contains("return _7\n"), "the sigmoid's call on _7 became _7: " + container);
        String linears = linears(fused);
        assertEquals(3, count(linears, " = torch.linear(") + count(linears, "return torch.linear("), "each Linear keeps its forward");
        assertEquals(3, count(linears, "ops.mkldnn._reorder_linear_weight(weight, 2048)"));
        assertFalse(fused.keySet().stream().anyMatch(n -> n.contains("/container") && n.endsWith(".debug_pkl")),
                "the old source ranges of rewritten files are dropped");
        // a Linear used twice (its packed weight would reach its forward) and code in another form stay as they are
        Map<String, byte[]> twice = new LinkedHashMap<>(dec);
        String c = container(dec);
        String shared = text(dec).replaceFirst("(\\n    _\\w+ = \\(_1\\)\\.forward\\(\\(_0\\)\\.forward\\(input, \\), \\)\\n)",
                "$1    _99 = (_0).forward(input, )\n");
        assertTrue(shared.contains("_99 = (_0)"), shared);
        twice.put(c, shared.getBytes(StandardCharsets.UTF_8));
        assertTrue(text(fused).contains("(_0).latentlab_relu("), "fused once only");
        assertFalse(text(FusedLinearCode.of(twice)).contains("(_0).latentlab_relu("), "_0 is used twice: not fused");
        // each Linear's own forward takes a packed weight too, should other code reach the module
        assertEquals(3, count(linears, "if weight.is_mkldnn:\n      return ops.mkldnn._linear_pointwise("), linears);
        // float32: the same fusion, packed only where the out-features fill whole blocks (else as they are); unpacked:
        // never packed, and no forward taking a packed weight
        String whole = linears(FusedLinearCode.of(dec, FusedLinearCode.Weights.PACKED_IN_WHOLE_BLOCKS));
        assertEquals(text(fused), text(FusedLinearCode.of(dec, FusedLinearCode.Weights.PACKED_IN_WHOLE_BLOCKS)), "the same calls fused");
        assertEquals(3, count(whole, "    if not weight.is_mkldnn and weight.size(0) % 64 == 0:\n"
                + "      weight = ops.mkldnn._reorder_linear_weight(weight, 2048)\n      self.weight = weight\n"), whole);
        assertEquals(0, count(whole, "    if not weight.is_mkldnn:\n"), whole);
        assertEquals(3, count(whole, "if weight.is_mkldnn:\n      return ops.mkldnn._linear_pointwise("), whole);
        String plain = linears(FusedLinearCode.of(dec, FusedLinearCode.Weights.AS_THEY_ARE));
        assertEquals(text(fused), text(FusedLinearCode.of(dec, FusedLinearCode.Weights.AS_THEY_ARE)), "the same calls fused");
        assertEquals(0, count(plain, "_reorder_linear_weight"), plain);
        assertEquals(0, count(plain, "is_mkldnn"), plain);
        assertEquals(3, count(plain, "  def latentlab_relu(") + count(plain, "  def latentlab_sigmoid("), plain);
        assertEquals(-1, FusedLinearCode.closing("(a, \"x\")", 1), "strings are not parsed");
        assertEquals(4, FusedLinearCode.closing("b(c)), )", 0), "the parenthesis closing a call whose arguments start at 0");
    }

    /** The code of an archive's Linear classes, concatenated. */
    private static String linears(Map<String, byte[]> entries) {
        return entries.entrySet().stream().filter(e -> e.getKey().contains("/linear"))
                .map(e -> new String(e.getValue(), StandardCharsets.UTF_8)).reduce("", String::concat);
    }

    @Test
    void codeInAnotherFormIsLeftAsItIs() {
        String linear = "class Linear(Module):\n  __parameters__ = [\"weight\", \"bias\", ]\n  __buffers__ = []\n"
                + "  weight : Tensor\n  bias : Tensor\n  training : bool\n"
                + "  def forward(self: __torch__.L,\n    x: Tensor) -> Tensor:\n"
                + "    bias = self.bias\n    weight = self.weight\n    return torch.linear(x, weight, bias)\n";
        String relu = "class ReLU(Module):\n  __parameters__ = []\n  training : bool\n"
                + "  def forward(self: __torch__.R,\n    x: Tensor) -> Tensor:\n    return torch.relu(x)\n";
        String tanh = "class Tanh(Module):\n  __parameters__ = []\n  training : bool\n"
                + "  def forward(self: __torch__.T,\n    x: Tensor) -> Tensor:\n    return torch.tanh(x)\n";
        // two classes in one file (as TorchScript writes those of one prefix): "1" is a Tanh in the first, a ReLU in the
        // second; the first's Linear-Tanh call must not become Linear-ReLU
        String container = "class Seq(Module):\n  __parameters__ = []\n  __annotations__[\"0\"] = __torch__.L\n"
                + "  __annotations__[\"1\"] = __torch__.T\n"
                + "  def forward(self: __torch__.Seq,\n    input: Tensor) -> Tensor:\n"
                + "    _1 = getattr(self, \"1\")\n    _0 = getattr(self, \"0\")\n"
                + "    return (_1).forward((_0).forward(input, ), )\n"
                + "class Other(Module):\n  __parameters__ = []\n  __annotations__[\"1\"] = __torch__.R\n"
                + "  def forward(self: __torch__.Other,\n    input: Tensor) -> Tensor:\n"
                + "    _1 = getattr(self, \"1\")\n    return (_1).forward(input, )\n";
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("m/code/__torch__/linear.py", linear.getBytes(StandardCharsets.UTF_8));
        entries.put("m/code/__torch__/relu.py", relu.getBytes(StandardCharsets.UTF_8));
        entries.put("m/code/__torch__/tanh.py", tanh.getBytes(StandardCharsets.UTF_8));
        entries.put("m/code/__torch__/container.py", container.getBytes(StandardCharsets.UTF_8));
        assertTrue(FusedLinearCode.of(entries) == entries, "nothing fused across classes");
        // the same with a ReLU in the first class is fused (so the case above is refused for the right reason)
        Map<String, byte[]> reluFirst = new LinkedHashMap<>(entries);
        reluFirst.put("m/code/__torch__/container.py", container.replaceFirst("__torch__\\.T\n", "__torch__.R\n")
                .getBytes(StandardCharsets.UTF_8));
        Map<String, byte[]> fused = FusedLinearCode.of(reluFirst);
        assertTrue(new String(fused.get("m/code/__torch__/container.py"), StandardCharsets.UTF_8)
                .contains("return (_0).latentlab_relu(input, )\n"));
        // a Linear with a second method, or a class not alone in its file, is not touched
        Map<String, byte[]> twoMethods = new LinkedHashMap<>(reluFirst);
        twoMethods.put("m/code/__torch__/linear.py", (linear + "  def norm(self: __torch__.L) -> Tensor:\n"
                + "    return torch.norm(self.weight)\n").getBytes(StandardCharsets.UTF_8));
        assertTrue(FusedLinearCode.of(twoMethods) == twoMethods);
        // a huge code file: no stack overflow (the patterns do not recurse per line), no exception, no change
        Map<String, byte[]> huge = new LinkedHashMap<>(reluFirst);
        huge.put("m/code/__torch__/relu.py", ("class ReLU(Module):\n" + "  x : int\n".repeat(20_000)
                + "  def forward(self: __torch__.R,\n    x: Tensor) -> Tensor:\n    return torch.relu(x)\n")
                .getBytes(StandardCharsets.UTF_8));
        assertTrue(new String(FusedLinearCode.of(huge).get("m/code/__torch__/container.py"), StandardCharsets.UTF_8)
                .contains("latentlab_relu"), "a long header is still read");
        huge.put("m/code/__torch__/container.py", "class Broken(".getBytes(StandardCharsets.UTF_8));
        assertTrue(FusedLinearCode.of(huge) == huge, "unreadable code: unchanged");
    }

    @Test
    void theFusedBfloat16MapAgreesWithTheUnfusedOne() {
        System.setProperty(DjlLowPrecisionModel.PROPERTY, "on");
        Tensor z = LatentStepsTest.gaussian(300, 32, 1, 11);
        float[] fused;
        float[] plain;
        try (LatentModel m = mlp()) {
            DjlLowPrecisionModel low = (DjlLowPrecisionModel) m.lowPrecision().orElseThrow();
            // libtorch's fused oneDNN operators want AVX-512 at least; on a CPU without (forced on here) the fused archive
            // is refused and the unfused one serves, so only where bfloat16 is used by default must it be fused
            if (DjlLowPrecisionModel.cpuHasBfloat16()) {
                assertTrue(low.fused(), "fused by default: " + DjlLowPrecisionModel.unavailable);
            }
            fused = low.latentSteps(z, 3).data();
            assertArrayEquals(fused, low.latentSteps(z, 3).data(), "the weights packed at the first call stay packed");
        }
        System.setProperty(DjlLowPrecisionModel.FUSE, "false");
        try (LatentModel m = mlp()) {
            DjlLowPrecisionModel low = (DjlLowPrecisionModel) m.lowPrecision().orElseThrow();
            assertFalse(low.fused());
            plain = low.latentSteps(z, 3).data();
        } finally {
            System.clearProperty(DjlLowPrecisionModel.FUSE);
        }
        // both round to bfloat16 (the fused one after the activation, the plain one before it): within bfloat16's error
        double worst = java.util.Arrays.stream(rowErrors(fused, plain, 900, 32)).max().orElseThrow();
        assertTrue(worst < 2e-2, "worst relative difference " + worst);
    }

    /** ‖a_r − b_r‖ / ‖b_r‖ for each of the {@code rows} rows of width {@code k}. */
    static double[] rowErrors(float[] a, float[] b, int rows, int k) {
        double[] out = new double[rows];
        for (int r = 0; r < rows; r++) {
            double d2 = 0;
            double n2 = 0;
            for (int j = 0; j < k; j++) {
                double d = a[r * k + j] - b[r * k + j];
                d2 += d * d;
                n2 += (double) b[r * k + j] * b[r * k + j];
            }
            out[r] = Math.sqrt(d2 / n2);
        }
        return out;
    }

    static String container(Map<String, byte[]> entries) {
        return entries.keySet().stream().filter(n -> n.contains("/container") && n.endsWith(".py")).findFirst().orElseThrow();
    }

    static String text(Map<String, byte[]> entries) {
        return new String(entries.get(container(entries)), StandardCharsets.UTF_8);
    }

    @Test
    void switchedOffOrOnAnotherEngineThereIsNone() {
        System.setProperty(DjlLowPrecisionModel.PROPERTY, "off");
        try (LatentModel m = mlp()) {
            assertTrue(m.lowPrecision().isEmpty());
            assertTrue(DjlLowPrecisionModel.unavailable.contains("off"), DjlLowPrecisionModel.unavailable);
        }
        System.setProperty(DjlLowPrecisionModel.PROPERTY, "on");
        try (LatentModel onnx = new OnnxBackend().load(new ModelSpec(LatentStepsTest.MLP784.resolve("mlp784-onnx"), "mlp784",
                new int[] {784}, 32, "encoder.onnx", "decoder.onnx", null))) {
            assertTrue(onnx.lowPrecision().isEmpty(), "ONNX Runtime has no bfloat16 version");
        }
        assertEquals(DjlLowPrecisionModel.cpuHasBfloat16(), cpuinfoSays(), "the CPU check reads /proc/cpuinfo's flags");
    }

    private static boolean cpuinfoSays() {
        try {
            String info = Files.readString(Path.of("/proc/cpuinfo"));
            java.util.List<String> words = java.util.List.of(info.split("\\s+"));
            return words.contains("amx_bf16") || words.contains("avx512_bf16");
        } catch (IOException e) {
            return false;
        }
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    static Map<String, byte[]> entries(Path file) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(file.toFile())) {
            for (java.util.zip.ZipEntry e : java.util.Collections.list(zip.entries())) {
                try (java.io.InputStream in = zip.getInputStream(e)) {
                    out.put(e.getName(), in.readAllBytes());
                }
            }
        }
        return out;
    }
}
