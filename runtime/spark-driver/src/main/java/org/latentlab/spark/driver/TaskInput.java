package org.latentlab.spark.driver;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What one task carries: a cell's id and JSON and, when the cell names a data file on the driver's machine, that file's
 * bytes. The bytes are read from the driver's disk only when Spark serializes the task (each attempt), so the driver
 * holds the data of the tasks being launched, not of every cell of the run; on the executor they arrive with the task
 * (Spark's RPC, {@code spark.rpc.message.maxSize}), so workers need no shared file system for them.
 *
 * <p>Java serialization only: Spark serializes tasks with it, and the driver keeps {@code spark.serializer} at
 * Java's, which a parallelized collection's elements go through.
 */
final class TaskInput implements Serializable {

    private static final long serialVersionUID = 1L;

    final String id;
    final String json;
    /** The data file's name (e.g. {@code part-00003.npy}), or null when the cell has none. */
    final String dataName;
    /** On the driver: where to read the data from. */
    private final transient Path dataOnDriver;
    /** On the executor: the data that came with the task. */
    private transient byte[] data;

    TaskInput(DriverJob.Cell cell) {
        this.id = cell.id();
        this.json = cell.json();
        this.dataOnDriver = cell.data() == null ? null : Path.of(cell.data());
        this.dataName = dataOnDriver == null ? null : dataOnDriver.getFileName().toString();
    }

    /** The data that came with the task, or null (no data file, or not deserialized from a task). */
    byte[] data() {
        return data;
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
        out.defaultWriteObject();
        if (dataOnDriver == null) {
            out.writeInt(-1);
            return;
        }
        byte[] b = Files.readAllBytes(dataOnDriver);
        out.writeInt(b.length);
        out.write(b);
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        int n = in.readInt();
        if (n >= 0) {
            data = new byte[n];
            in.readFully(data);
        }
    }
}
