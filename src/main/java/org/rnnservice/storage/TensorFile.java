package org.rnnservice.storage;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Named tensors in one file, little-endian, with a checksum so a torn or altered file is refused, never served:
 * <pre>
 * "RNNT" | u32 version (1) | u32 count
 * count x ( u16 name length | UTF-8 name | u8 dtype (1 float32, 2 int32, 3 float64) | u8 rank | rank x u32 dim | data )
 * u32 CRC32 of all bytes before it | "TNNR"
 * </pre>
 */
public final class TensorFile {

    private static final byte[] MAGIC = "RNNT".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "TNNR".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 1;

    /** One named tensor; {@code data} is a {@code float[]}, {@code int[]} or {@code double[]} of the shape's size. */
    public record Entry(String name, int[] shape, Object data) {

        public static Entry of(String name, float[] data, int... shape) {
            return new Entry(name, shape, data);
        }

        public static Entry of(String name, int[] data, int... shape) {
            return new Entry(name, shape, data);
        }

        public static Entry of(String name, double[] data, int... shape) {
            return new Entry(name, shape, data);
        }

        public float[] floats() {
            return (float[]) data;
        }

        public int[] ints() {
            return (int[]) data;
        }

        public double[] doubles() {
            return (double[]) data;
        }
    }

    private TensorFile() {
    }

    /** Writes the tensors to {@code path} atomically and durably. */
    public static void write(Path path, List<Entry> entries) throws IOException {
        AtomicFiles.write(path, out -> write(out, entries));
    }

    /** Writes the tensors, checksum and end marker included, to a stream (a database store keeps these bytes). */
    public static void write(OutputStream raw, List<Entry> entries) throws IOException {
        CRC32 crc = new CRC32();
        DataOutputStream out = new DataOutputStream(new java.util.zip.CheckedOutputStream(raw, crc));
        out.write(MAGIC);
        writeU32(out, VERSION);
        writeU32(out, entries.size());
        ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (Entry e : entries) {
            byte[] name = e.name().getBytes(StandardCharsets.UTF_8);
            out.write(name.length & 0xFF);
            out.write(name.length >>> 8);
            out.write(name);
            out.write(dtype(e.data()));
            out.write(e.shape().length);
            for (int d : e.shape()) {
                writeU32(out, d);
            }
            writeData(out, e.data(), buf);
        }
        out.flush();
        long sum = crc.getValue();
        raw.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) sum).array());
        raw.write(END);
    }

    private static void writeData(DataOutputStream out, Object data, ByteBuffer buf) throws IOException {
        if (data instanceof float[] f) {
            for (int i = 0; i < f.length; ) {
                buf.clear();
                while (i < f.length && buf.remaining() >= 4) {
                    buf.putFloat(f[i++]);
                }
                out.write(buf.array(), 0, buf.position());
            }
        } else if (data instanceof int[] n) {
            for (int i = 0; i < n.length; ) {
                buf.clear();
                while (i < n.length && buf.remaining() >= 4) {
                    buf.putInt(n[i++]);
                }
                out.write(buf.array(), 0, buf.position());
            }
        } else if (data instanceof double[] d) {
            for (int i = 0; i < d.length; ) {
                buf.clear();
                while (i < d.length && buf.remaining() >= 8) {
                    buf.putDouble(d[i++]);
                }
                out.write(buf.array(), 0, buf.position());
            }
        }
    }

    private static int dtype(Object data) {
        if (data instanceof float[]) {
            return 1;
        }
        if (data instanceof int[]) {
            return 2;
        }
        if (data instanceof double[]) {
            return 3;
        }
        throw new IllegalArgumentException("unsupported tensor data " + data.getClass());
    }

    private static void writeU32(DataOutputStream out, int v) throws IOException {
        out.write(v & 0xFF);
        out.write((v >>> 8) & 0xFF);
        out.write((v >>> 16) & 0xFF);
        out.write((v >>> 24) & 0xFF);
    }

    /** Reads every tensor, by name in file order; fails with {@link CorruptFileException} on any damage. */
    public static Map<String, Entry> read(Path path) throws IOException {
        return read(Files.readAllBytes(path), path.toString());
    }

    /** As {@link #read(Path)}, from the bytes {@link #write(OutputStream, List)} wrote; {@code where} names them. */
    public static Map<String, Entry> read(byte[] bytes, String where) throws IOException {
        String path = where;
        int n = bytes.length;
        if (n < MAGIC.length + 16 || !java.util.Arrays.equals(bytes, 0, 4, MAGIC, 0, 4)
                || !java.util.Arrays.equals(bytes, n - 4, n, END, 0, 4)) {
            throw new CorruptFileException(path, "not a complete tensor file");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, n - 8);
        if ((int) crc.getValue() != b.getInt(n - 8)) {
            throw new CorruptFileException(path, "checksum mismatch");
        }
        b.limit(n - 8);
        b.position(4);
        try {
            int version = b.getInt();
            if (version != VERSION) {
                throw new CorruptFileException(path, "tensor format version " + version + " is not supported");
            }
            int count = b.getInt();
            Map<String, Entry> entries = new LinkedHashMap<>();
            for (int e = 0; e < count; e++) {
                int nameLen = Short.toUnsignedInt(b.getShort());
                byte[] name = new byte[nameLen];
                b.get(name);
                int type = b.get();
                int rank = b.get();
                int[] shape = new int[rank];
                long size = 1;
                for (int d = 0; d < rank; d++) {
                    shape[d] = b.getInt();
                    size *= shape[d];
                }
                if (size < 0 || size * (type == 3 ? 8 : 4) > b.remaining()) {
                    throw new CorruptFileException(path, "tensor larger than the file");
                }
                Object data = switch (type) {
                    case 1 -> {
                        float[] f = new float[(int) size];
                        b.asFloatBuffer().get(f);
                        b.position(b.position() + f.length * 4);
                        yield f;
                    }
                    case 2 -> {
                        int[] v = new int[(int) size];
                        b.asIntBuffer().get(v);
                        b.position(b.position() + v.length * 4);
                        yield v;
                    }
                    case 3 -> {
                        double[] v = new double[(int) size];
                        b.asDoubleBuffer().get(v);
                        b.position(b.position() + v.length * 8);
                        yield v;
                    }
                    default -> throw new CorruptFileException(path, "unknown dtype " + type);
                };
                String key = new String(name, StandardCharsets.UTF_8);
                entries.put(key, new Entry(key, shape, data));
            }
            return entries;
        } catch (java.nio.BufferUnderflowException e) {
            throw new CorruptFileException(path, "truncated");
        }
    }
}
