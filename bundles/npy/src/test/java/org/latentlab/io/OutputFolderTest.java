package org.latentlab.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latentlab.api.LatentLabException;

class OutputFolderTest {

    @TempDir
    Path dir;

    /** Publishes an output of {@code kind} with the given files (name, content pairs). */
    static Path write(Path target, String kind, String... files) throws Exception {
        try (OutputFolder out = OutputFolder.open(target, kind)) {
            for (int i = 0; i < files.length; i += 2) {
                AtomicFile.writeString(out.staging().resolve(files[i]), files[i + 1]);
            }
            return out.publish();
        }
    }

    List<String> entries(Path folder) throws Exception {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    static void assertRefused(Path target, String kind, String... words) {
        LatentLabException e = assertThrows(LatentLabException.class, () -> OutputFolder.open(target, kind).close());
        for (String w : words) {
            assertTrue(e.getMessage().contains(w), "message should contain '" + w + "': " + e.getMessage());
        }
        LatentLabException c = assertThrows(LatentLabException.class, () -> OutputFolder.check(target, kind));
        assertEquals(e.getMessage(), c.getMessage(), "check and open agree");
    }

    @Test
    void aNewTargetAppearsOnlyAtPublishCompleteAndMarked() throws Exception {
        Path target = dir.resolve("a/b/out");
        try (OutputFolder out = OutputFolder.open(target, "analysis")) {
            AtomicFile.writeString(out.staging().resolve("result.json"), "{}");
            AtomicFile.writeString(out.staging().resolve("report/x.png"), "png");
            assertFalse(Files.exists(target), "nothing at the target before publish");
            assertTrue(out.staging().getParent().equals(target.getParent()) && out.staging().getFileName().toString().startsWith("."),
                    "staged in a hidden sibling: " + out.staging());
            assertEquals(target, out.publish());
        }
        assertEquals("{}", Files.readString(target.resolve("result.json")));
        assertEquals("png", Files.readString(target.resolve("report/x.png")));
        OutputFolder.Marker m = OutputFolder.marker(target).orElseThrow();
        assertEquals("analysis", m.kind());
        assertEquals(List.of("report/x.png", "result.json"), m.files());
        assertTrue(m.complete());
        assertEquals(List.of("out"), entries(target.getParent()), "no temporary folder left beside it");
        assertTrue(Files.getPosixFilePermissions(target).contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ),
                "an ordinary folder, not an owner-only temporary one");
    }

    @Test
    void failureOrCancelLeavesNothing() throws Exception {
        Path target = dir.resolve("out");
        try (OutputFolder out = OutputFolder.open(target, "analysis")) {
            AtomicFile.writeString(out.staging().resolve("result.json"), "{}");
            // an exporter fails here: no publish
        }
        assertEquals(List.of(), entries(dir), "neither the target nor the staging folder");

        write(target, "analysis", "result.json", "first");
        try (OutputFolder out = OutputFolder.open(target, "analysis")) {
            AtomicFile.writeString(out.staging().resolve("result.json"), "half of the second");
        }
        assertEquals("first", Files.readString(target.resolve("result.json")), "the previous complete output stays");
        assertEquals(List.of("out"), entries(dir));
    }

    @Test
    void aFolderWithFilesLatentLabDidNotWriteIsRefusedUntouched() throws Exception {
        // the issue's reproduction: train --out S/keep with S/keep/thesis.tex
        Path keep = Files.createDirectories(dir.resolve("keep"));
        Files.writeString(keep.resolve("thesis.tex"), "x");
        assertRefused(keep, "model", keep.toString(), "thesis.tex", "not empty", "choose another --out");
        assertEquals("x", Files.readString(keep.resolve("thesis.tex")));
        assertEquals(List.of("keep"), entries(dir), "no staging folder created");
        assertEquals(List.of("thesis.tex"), entries(keep));
    }

    @Test
    void filesAndPathsBelowFilesAreRefused() throws Exception {
        Path file = Files.writeString(dir.resolve("notes.txt"), "x");
        assertRefused(file, "analysis", file.toString(), "is an existing file");
        assertRefused(file.resolve("sub/out"), "field", "notes.txt is a file", "choose another --out");
        Path link = Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("nowhere"));
        assertRefused(link, "field", "broken link");
        assertEquals("x", Files.readString(file));
    }

    @Test
    void anUnwritablePlaceIsFoundBeforeAnyWork() {
        // we run as root: permissions do not stop us, /proc does
        assertRefused(Path.of("/proc/latentlab-test/out"), "analysis", "cannot write output folder /proc/latentlab-test/out: cannot create files in /proc");
    }

    @Test
    void aTargetWithTheLongestAllowedNameWorks() throws Exception {
        Path target = dir.resolve("r".repeat(250));
        write(target, "field", "field.npy", "v");
        assertEquals("v", Files.readString(target.resolve("field.npy")));
    }

    @Test
    void checkCreatesNothing() throws Exception {
        OutputFolder.check(dir.resolve("x/y/z"), "analysis");
        assertEquals(List.of(), entries(dir));
    }

    @Test
    void anEmptyFolderIsUsedAndAnOutputOfAnotherKindRefused() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        write(empty, "field", "field.npy", "v");
        assertEquals(List.of(".latentlab-output.json", "field.npy"), entries(empty));
        assertRefused(empty, "model", "holds a LatentLab field output, not a model output");
        assertEquals("v", Files.readString(empty.resolve("field.npy")));
    }

    @Test
    void aRerunReplacesOnlyLatentLabsFilesAndKeepsTheUsers() throws Exception {
        Path out = dir.resolve("out");
        write(out, "analysis", "result.json", "1", "paths.npy", "p", "report/x.png", "x", "old/only.png", "o");
        Files.writeString(out.resolve("notes.txt"), "mine");
        Files.writeString(out.resolve("report/mine.txt"), "mine too");

        write(out, "analysis", "result.json", "2", "labels.npy", "l");
        assertEquals("2", Files.readString(out.resolve("result.json")));
        assertEquals("l", Files.readString(out.resolve("labels.npy")));
        assertFalse(Files.exists(out.resolve("paths.npy")), "a stale result of the previous run is removed");
        assertFalse(Files.exists(out.resolve("report/x.png")));
        assertFalse(Files.exists(out.resolve("old")), "folders emptied of our files go too");
        assertEquals("mine", Files.readString(out.resolve("notes.txt")));
        assertEquals("mine too", Files.readString(out.resolve("report/mine.txt")));
        OutputFolder.Marker m = OutputFolder.marker(out).orElseThrow();
        assertEquals(List.of("labels.npy", "result.json"), m.files());
        assertTrue(m.complete());
        assertEquals(List.of("out"), entries(dir));
    }

    @Test
    void aUserFileUnderANameTheNewOutputUsesStopsThePublish() throws Exception {
        Path out = dir.resolve("out");
        write(out, "analysis", "result.json", "1");
        Files.writeString(out.resolve("report.html"), "the user's");
        LatentLabException e = assertThrows(LatentLabException.class,
                () -> write(out, "analysis", "result.json", "2", "report.html", "ours"));
        assertTrue(e.getMessage().contains("report.html is in the way"), e.getMessage());
        assertEquals("the user's", Files.readString(out.resolve("report.html")));
        assertEquals("1", Files.readString(out.resolve("result.json")), "nothing changed");
        assertEquals(List.of("out"), entries(dir), "staging folder removed");
    }

    @Test
    void anEditedMarkerCannotMakeItTouchFilesElsewhere() throws Exception {
        Path victim = Files.writeString(dir.resolve("victim.txt"), "keep");
        Path out = write(dir.resolve("out"), "analysis", "result.json", "1");
        Files.writeString(out.resolve(OutputFolder.MARKER),
                "{\"kind\":\"analysis\",\"files\":[\"result.json\",\"../victim.txt\"],\"complete\":true}");
        assertRefused(out, "analysis", "not empty and was not written by LatentLab");
        assertEquals("keep", Files.readString(victim));

        // a folder of ours replaced by a link to somewhere else: nothing there is removed
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        Files.writeString(elsewhere.resolve("x.png"), "not ours");
        Path out2 = write(dir.resolve("out2"), "analysis", "report/x.png", "x");
        Files.delete(out2.resolve("report/x.png"));
        Files.delete(out2.resolve("report"));
        Files.createSymbolicLink(out2.resolve("report"), elsewhere);
        write(out2, "analysis", "result.json", "2");
        assertEquals("not ours", Files.readString(elsewhere.resolve("x.png")));
    }

    @Test
    void anInterruptedPublishIsStillOurs() throws Exception {
        Path out = write(dir.resolve("out"), "model", "model.json", "1");
        Files.writeString(out.resolve(OutputFolder.MARKER),
                "{\"kind\":\"model\",\"files\":[\"model.json\",\"encoder.npy\"],\"complete\":false}");
        Files.writeString(out.resolve("encoder.npy"), "half");
        write(out, "model", "model.json", "2", "encoder.npy", "e");
        assertEquals("e", Files.readString(out.resolve("encoder.npy")));
        assertTrue(OutputFolder.marker(out).orElseThrow().complete());
    }

    @Test
    void aTargetCreatedMeanwhileIsMergedOrRefused() throws Exception {
        Path target = dir.resolve("out");
        try (OutputFolder out = OutputFolder.open(target, "analysis")) {
            AtomicFile.writeString(out.staging().resolve("result.json"), "{}");
            Files.createDirectories(target);
            Files.writeString(target.resolve("thesis.tex"), "x");
            LatentLabException e = assertThrows(LatentLabException.class, out::publish);
            assertTrue(e.getMessage().contains("thesis.tex"), e.getMessage());
        }
        assertEquals(List.of("thesis.tex"), entries(target));
        assertEquals(List.of("out"), entries(dir));
    }

    @Test
    void anOutputWrittenInsideTheStagingFolderIsGatheredIntoIt() throws Exception {
        Path target = dir.resolve("demo");
        try (OutputFolder demo = OutputFolder.open(target, "demo")) {
            AtomicFile.writeString(demo.staging().resolve("seeds.npy"), "s");
            write(demo.staging().resolve(".analysis"), "analysis", "result.json", "r", "report/a.png", "a");
            demo.moveIn(demo.staging().resolve(".analysis"));
            demo.publish();
        }
        assertEquals(List.of(".latentlab-output.json", "report", "result.json", "seeds.npy"), entries(target));
        assertEquals(List.of("report/a.png", "result.json", "seeds.npy"), OutputFolder.marker(target).orElseThrow().files());
    }

    @Test
    void stagingFoldersOfKilledProcessesAreRemovedOthersStay() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        String prefix = ".abandoned" + ".latentlab-staging-";
        Path dead = Files.createDirectories(dir.resolve(prefix + gone.pid() + "@" + OutputFolder.HOST + "@123/part"));
        Path live = Files.createDirectories(dir.resolve(prefix + ProcessHandle.current().pid() + "@" + OutputFolder.HOST + "@456"));
        Path otherMachine = Files.createDirectories(dir.resolve(prefix + gone.pid() + "@elsewhere.example@789"));
        Path noOwner = Files.createDirectories(dir.resolve(prefix + "123456789"));
        Path otherTarget = Files.createDirectories(dir.resolve(".other.latentlab-staging-" + gone.pid() + "@" + OutputFolder.HOST + "@1"));
        Files.writeString(dead.resolve("half.npy"), "x");
        try (OutputFolder out = OutputFolder.open(dir.resolve("abandoned"), OutputFolder.ANALYSIS)) {
            assertTrue(out.staging().getFileName().toString().startsWith(prefix + ProcessHandle.current().pid() + "@"),
                    out.staging().toString());
            assertFalse(Files.exists(dead.getParent()), "the killed writer's staging folder is gone");
            for (Path stays : List.of(live, otherMachine, noOwner, otherTarget)) {
                assertTrue(Files.isDirectory(stays), stays + " stays");
            }
        }
    }
}
