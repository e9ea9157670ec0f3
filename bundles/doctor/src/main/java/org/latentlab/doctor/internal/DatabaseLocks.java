package org.latentlab.doctor.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who holds the lock H2 takes on its database file while a server runs. On Linux, read from
 * /proc/locks without touching the file (so a server starting at this moment is never disturbed);
 * elsewhere, by trying a shared lock for an instant.
 */
class DatabaseLocks {

    /** A line of /proc/locks: "2: POSIX  ADVISORY  WRITE 9004 fe:00:2146355 0 EOF" gives pid 9004, inode 2146355. */
    private static final Pattern LOCK = Pattern.compile("\\s(\\d+)\\s+[0-9a-f]+:[0-9a-f]+:(\\d+)\\s");

    private final Path procLocks;

    DatabaseLocks() {
        this(Path.of("/proc/locks"));
    }

    DatabaseLocks(Path procLocks) {
        this.procLocks = procLocks;
    }

    /** "process PID" (or "a running process") when the file is locked, null when it is free or unknown. */
    String holder(Path file) {
        if (Files.isReadable(procLocks)) {
            try {
                Object ino = Files.getAttribute(file, "unix:ino");
                for (String line : Files.readAllLines(procLocks)) {
                    Matcher m = LOCK.matcher(line);
                    if (m.find() && m.group(2).equals(String.valueOf(ino))) {
                        boolean self = m.group(1).equals(Long.toString(ProcessHandle.current().pid()));
                        return "process " + m.group(1) + (self ? " (this one)" : "");
                    }
                }
                return null;
            } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
                // fall back to trying the lock
            }
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            FileLock lock = ch.tryLock(0, Long.MAX_VALUE, true);
            if (lock == null) {
                return "a running process";
            }
            lock.release();
            return null;
        } catch (OverlappingFileLockException e) {
            return "process " + ProcessHandle.current().pid() + " (this one)";
        } catch (IOException e) {
            return null;
        }
    }
}
