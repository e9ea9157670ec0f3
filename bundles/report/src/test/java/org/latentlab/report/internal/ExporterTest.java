package org.latentlab.report.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.latentlab.api.Parameters;
import org.latentlab.api.result.FieldValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The html exporter as the engine calls it, with sections bound and unbound as DS would. */
class ExporterTest {

    @TempDir
    Path out;

    @Test
    void writesReportHtmlFirstThenThePicturesOfTheBoundSections() throws Exception {
        HtmlReportExporter exporter = new HtmlReportExporter();
        ReportTest.TestSection pictures = ReportTest.section("pictures", 200, (r, c) -> {
            c.heading("Pictures");
            c.image("p0", new FieldValue.Image(new int[] {1, 4, 4}, new float[16]));
        });
        exporter.addSection(pictures);
        List<Path> files = exporter.export(ReportTest.result(), out, new Parameters(Map.of("title", "<My> report")));
        assertEquals(List.of(out.resolve("report.html"), out.resolve("report/p0.png")), files);
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("<title>&lt;My&gt; report</title>") && html.contains("<h1>&lt;My&gt; report</h1>"), html);
        assertTrue(html.contains("<h2>Attractors</h2>") && html.contains("<h2>Pictures</h2>"), html);
        assertTrue(html.contains("4 seeds (hand) · strategy picard {} · clusterer cosine {} · 1.5 s"), html);
        assertFalse(html.contains("{{"), "every placeholder filled");

        exporter.removeSection(pictures);
        Path again = out.resolve("again");
        assertEquals(List.of(again.resolve("report.html")), exporter.export(ReportTest.result(), again, Parameters.EMPTY));
        String plain = Files.readString(again.resolve("report.html"));
        assertFalse(plain.contains("Pictures"), "an unbound section is gone");
        assertTrue(plain.contains("<title>Latent dynamics of m&lt;1&gt;</title>"), "the default title names the model");
    }

    @Test
    void theTemplateIsFilledInOnePass() {
        assertEquals("<p>{{b}}</p><p>x</p>", PageTemplate.fill("<p>{{a}}</p><p>{{b}}</p>", Map.of("a", "{{b}}", "b", "x")),
                "a value holding a placeholder is not filled again");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> PageTemplate.fill("{{nope}}", Map.of()));
        assertEquals("report template: no value for {{nope}}", e.getMessage());
    }

    @Test
    void picturesAreRecognisedByShape() {
        assertEquals(List.of(1, 28, 28), boxed(Png.pictureShape(new int[] {784})));
        assertEquals(List.of(3, 8, 8), boxed(Png.pictureShape(new int[] {3, 8, 8})));
        assertEquals(List.of(1, 5, 7), boxed(Png.pictureShape(new int[] {5, 7})));
        assertEquals(null, Png.pictureShape(new int[] {9}), "3x3 is too small to be a picture");
        assertEquals(null, Png.pictureShape(new int[] {10}), "not a square");
        assertEquals(null, Png.pictureShape(new int[] {2, 8, 8}), "two channels");
    }

    private static List<Integer> boxed(int[] a) {
        return a == null ? null : java.util.Arrays.stream(a).boxed().toList();
    }

    @Test
    void seedGroupsSplitTheSeedsInOrder() {
        assertEquals(List.of(new SeedGroup("test", 0, 3), new SeedGroup("noise", 3, 5)), SeedGroup.parse("test:3, noise:4", 5),
                "a group is cut at the last seed");
        assertEquals(List.of(new SeedGroup("all seeds", 0, 5)), SeedGroup.parse(" ", 5));
    }
}
