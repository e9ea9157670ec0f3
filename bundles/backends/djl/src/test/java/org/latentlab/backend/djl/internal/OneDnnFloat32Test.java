package org.latentlab.backend.djl.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.pytorch.engine.PtSymbolBlock;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.latentlab.api.Tensor;
import org.latentlab.api.model.LatentModel;
import org.latentlab.backend.djl.internal.FusedLinearCode.Weights;
import org.latentlab.rowworkers.CpuInfo;

/**
 * The float32 map on oneDNN's fused linear layers ({@link OneDnnFloat32}): the same map as libtorch's own up to
 * rounding (on the 784-512-256-32 MLP and the memorizer), encode and decode too, autograd still available, the switch,
 * and a disagreement on the probe refused. Forced with {@code latentlab.float32.onednn=on}/{@code off}, so it runs the
 * same on Intel CPUs (where {@code auto} keeps libtorch's own) and elsewhere.
 */
class OneDnnFloat32Test {

    @BeforeAll
    static void offlineEngines() {
        DjlBackendsTest.offlineEngines();
    }

    @AfterEach
    void clearSwitch() {
        System.clearProperty(OneDnnFloat32.PROPERTY);
    }

    private static LatentModel mlp(String setting) {
        System.setProperty(OneDnnFloat32.PROPERTY, setting);
        return DjlLowPrecisionModelTest.mlp();
    }

    /** Largest row-relative difference, as the probe measures it. */
    private static double worst(Tensor a, Tensor b) {
        return DjlLowPrecisionModel.worstRelative(a.data(), b.data(), a.rows(), a.width());
    }

    @Test
    void theFusedFloat32MapIsTheModelsMapUpToRounding() {
        Tensor z = LatentStepsTest.gaussian(2300, 32, 2.0, 11); // more rows than two blocks of 512 per row worker
        try (LatentModel own = mlp("off"); LatentModel fused = mlp("on")) {
            assertFalse(((DjlLatentModel) own).onednn(), OneDnnFloat32.PROPERTY + "=off");
            assertArrayEquals(new boolean[] {true, true}, ((DjlLatentModel) fused).onednnModules().rewritten());
            assertTrue(((DjlLatentModel) fused).onednn(), "fused on the MLP: " + OneDnnFloat32.unavailable);
            OneDnnFloat32 modules = ((DjlLatentModel) fused).onednnModules();
            // measured on an AMD EPYC with AVX-512 (oneDNN packs float32 as AB16b64a there); elsewhere either form may serve
            if (CpuInfo.field("vendor_id").equals("AuthenticAMD") && (" " + CpuInfo.field("flags") + " ").contains(" avx512f ")) {
                assertEquals(Weights.PACKED_IN_WHOLE_BLOCKS, modules.weights(),
                        "the packed form passes its probe: " + modules.packedRefused());
            }
            Tensor f = own.latentSteps(z, 3);
            Tensor g = fused.latentSteps(z, 3);
            assertEquals(3 * 2300 * 32, f.data().length);
            double w = DjlLowPrecisionModel.worstRelative(f.data(), g.data(), 3 * 2300, 32);
            assertTrue(w <= 1e-5, "float32 rounding only, not bfloat16's ~3e-3: " + w);
            // encode and decode run on the same modules (within rounding: MKL's unfused last layer may sum in another
            // order on the caller's threads than on one worker thread, as in LatentStepsTest)
            float[] plain = LatentStepsTest.repeated(fused, z, 3);
            assertTrue(DjlLowPrecisionModel.worstRelative(plain, g.data(), 3 * 2300, 32) <= 1e-5,
                    "latentSteps = encode(decode(z)) step by step");
            // blocks padded with zero rows (to 8, 16, ... 64, then multiples of 64): the rows' own results, unchanged
            for (int rows : new int[] {1, 9, 65, 130}) {
                Tensor few = LatentStepsTest.gaussian(rows, 32, 2.0, rows);
                double d = worst(own.latentSteps(few, 2), fused.latentSteps(few, 2));
                assertTrue(d <= 1e-5, rows + " rows: " + d);
            }
            Tensor x = fused.decode(z);
            assertTrue(worst(own.decode(z), x) <= 1e-5, "decode");
            assertTrue(worst(own.encode(x), fused.encode(x)) <= 1e-5, "encode");
        }
    }

    @Test
    void autogradKeepsTheModelsOwnModules() {
        Tensor z = LatentStepsTest.gaussian(3, 32, 1.0, 5);
        try (LatentModel own = mlp("off"); LatentModel fused = mlp("on")) {
            assertTrue(((DjlLatentModel) fused).onednn());
            float[] a = own.latentJacobian(z).orElseThrow().data();
            float[] b = fused.latentJacobian(z).orElseThrow().data();
            assertEquals(3 * 32 * 32, b.length);
            assertTrue(java.util.Arrays.equals(a, b), "the same autograd Jacobians (oneDNN's fused operation has no derivative)");
        }
    }

    @Test
    void theMemorizersCodeIsFusedOrLeftAndTheMapStaysTheSame() {
        // the memorizer (another traced module layout): whatever the rewrite finds, the map must stay the model's
        Tensor z = LatentStepsTest.gaussian(64, 4, 1.0, 3);
        System.setProperty(OneDnnFloat32.PROPERTY, "off");
        try (LatentModel own = LatentStepsTest.memorizer("torchscript")) {
            System.setProperty(OneDnnFloat32.PROPERTY, "on");
            try (LatentModel fused = LatentStepsTest.memorizer("torchscript")) {
                assertTrue(((DjlLatentModel) fused).onednn(), "the memorizer's decoder is fused: " + OneDnnFloat32.unavailable);
                // its encoder (Linear then Tanh) has nothing to fuse: the model's own module serves, not a second copy
                assertArrayEquals(new boolean[] {false, true}, ((DjlLatentModel) fused).onednnModules().rewritten());
                assertTrue(worst(own.latentSteps(z, 2), fused.latentSteps(z, 2)) <= 1e-5,
                        "fused: " + ((DjlLatentModel) fused).onednn() + " " + OneDnnFloat32.unavailable);
            }
        }
    }

    @Test
    void aProbeDisagreementIsRefusedAndSaysWhy() {
        try (LatentModel own = mlp("off")) {
            System.setProperty(OneDnnFloat32.PROPERTY, "on");
            DjlLatentModel m = (DjlLatentModel) own;
            // an "exact" map 1 % away from what the modules compute: the probe must refuse them
            try (ai.djl.ndarray.NDManager manager = DjlLatentModel.withEngine(() -> ai.djl.ndarray.NDManager.newBaseManager("PyTorch"),
                    "test")) {
                Optional<OneDnnFloat32> made = DjlLatentModel.withEngine(() -> OneDnnFloat32.create(own.spec(),
                        onePercentOff(m, c -> true, new AtomicInteger()), manager, 512, null, (PtSymbolBlock) null,
                        (PtSymbolBlock) null), "test");
                assertTrue(made.isEmpty());
            }
            assertTrue(OneDnnFloat32.unavailable.contains("differ from it by 0.00990"), OneDnnFloat32.unavailable);
        }
    }

    /** The model's map, each value 1 % larger while {@code off} says so: a map the probe must refuse. */
    private static UnaryOperator<Tensor> onePercentOff(DjlLatentModel m, java.util.function.IntPredicate off,
            AtomicInteger calls) {
        return z -> {
            Tensor f = m.latentSteps(z, 1);
            if (!off.test(calls.incrementAndGet())) {
                return f;
            }
            float[] d = f.data().clone();
            for (int i = 0; i < d.length; i++) {
                d[i] *= 1.01f;
            }
            return Tensor.matrix(f.rows(), f.width(), d);
        };
    }

    @Test
    void whenTheFirstFormDisagreesTheNextOneServes() {
        try (LatentModel own = mlp("off")) {
            System.setProperty(OneDnnFloat32.PROPERTY, "on");
            DjlLatentModel m = (DjlLatentModel) own;
            // two forms (both unpacked here, so nothing depends on how this CPU packs): the first attempt's probe (four
            // calls) sees a map 1 % away, the second the model's own
            AtomicInteger calls = new AtomicInteger();
            try (ai.djl.ndarray.NDManager manager = DjlLatentModel.withEngine(() -> ai.djl.ndarray.NDManager.newBaseManager("PyTorch"),
                    "test")) {
                Optional<OneDnnFloat32> made = DjlLatentModel.withEngine(() -> OneDnnFloat32.create(own.spec(),
                        onePercentOff(m, c -> c <= 4, calls), manager, 512, null, (PtSymbolBlock) null, (PtSymbolBlock) null,
                        Weights.AS_THEY_ARE, Weights.AS_THEY_ARE), "test");
                assertTrue(made.isPresent(), OneDnnFloat32.unavailable);
                try (OneDnnFloat32 modules = made.get()) {
                    assertEquals(8, calls.get(), "two probes of four calls");
                    assertEquals(Weights.AS_THEY_ARE, modules.weights());
                    assertTrue(modules.packedRefused().contains("differ from it by 0.00990"), modules.packedRefused());
                    assertEquals("", OneDnnFloat32.unavailable);
                    Tensor z = LatentStepsTest.gaussian(40, 32, 2.0, 7);
                    float[] g = DjlLatentModel.withEngine(() -> {
                        try (ai.djl.ndarray.NDManager sub = manager.newSubManager()) {
                            return DjlLatentModel.steps(sub, z, 1, 32, 512, OneDnnFloat32.ROW_PADDING, null, modules::map,
                                    "test").data();
                        }
                    }, "test");
                    assertTrue(DjlLowPrecisionModel.worstRelative(own.latentSteps(z, 1).data(), g, 40, 32) <= 1e-5,
                            "the second form's modules compute the model's map");
                }
            }
        }
    }

    @Test
    void theFormsFollowTheSwitch() {
        try {
            assertArrayEquals(new Weights[] {Weights.PACKED_IN_WHOLE_BLOCKS, Weights.AS_THEY_ARE}, OneDnnFloat32.forms());
            for (String off : new String[] {"false", "off", " OFF "}) {
                System.setProperty(OneDnnFloat32.PACK, off);
                assertArrayEquals(new Weights[] {Weights.AS_THEY_ARE}, OneDnnFloat32.forms(), off);
            }
            System.setProperty(OneDnnFloat32.PACK, "on");
            assertEquals(2, OneDnnFloat32.forms().length);
        } finally {
            System.clearProperty(OneDnnFloat32.PACK);
        }
    }

    @Test
    void theSwitchAndTheVendorRule() {
        System.setProperty(OneDnnFloat32.PROPERTY, "off");
        assertFalse(OneDnnFloat32.wanted());
        assertTrue(OneDnnFloat32.unavailable.contains("=off"));
        System.setProperty(OneDnnFloat32.PROPERTY, "on");
        assertTrue(OneDnnFloat32.wanted());
        System.clearProperty(OneDnnFloat32.PROPERTY);
        String vendor = org.latentlab.rowworkers.Float32OneDnn.cpuVendor();
        assertEquals(!vendor.isEmpty() && !vendor.equals("GenuineIntel"), OneDnnFloat32.wanted(), "auto on a " + vendor + " CPU");
    }
}
