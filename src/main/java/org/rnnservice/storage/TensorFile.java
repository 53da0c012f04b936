package org.rnnservice.storage;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
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

    /**
     * Reads every tensor, by name in file order, streaming from the file (a large tensor is held once, not beside the
     * file's bytes); fails with {@link CorruptFileException} on any damage.
     */
    public static Map<String, Entry> read(Path path) throws IOException {
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(path)) {
            return read(channel, channel.size(), path.toString());
        }
    }

    /** As {@link #read(Path)}, from the bytes {@link #write(OutputStream, List)} wrote; {@code where} names them. */
    public static Map<String, Entry> read(byte[] bytes, String where) throws IOException {
        return read(java.nio.channels.Channels.newChannel(new java.io.ByteArrayInputStream(bytes)), bytes.length,
                where);
    }

    private static Map<String, Entry> read(java.nio.channels.ReadableByteChannel in, long n, String path)
            throws IOException {
        if (n < MAGIC.length + 16) {
            throw new CorruptFileException(path, "not a complete tensor file");
        }
        Input b = new Input(in, n - 8, path);
        byte[] magic = new byte[4];
        b.get(magic);
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            throw new CorruptFileException(path, "not a complete tensor file");
        }
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
            int type = b.getByte();
            int rank = b.getByte();
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
                case 1 -> b.floats(new float[(int) size]);
                case 2 -> b.ints(new int[(int) size]);
                case 3 -> b.doubles(new double[(int) size]);
                default -> throw new CorruptFileException(path, "unknown dtype " + type);
            };
            String key = new String(name, StandardCharsets.UTF_8);
            entries.put(key, new Entry(key, shape, data));
        }
        b.finish();
        return entries;
    }

    /**
     * The bytes of a tensor file read through a small buffer, its checksum kept on the way: {@code body} bytes, then
     * the checksum and the end marker that {@link #finish} checks.
     */
    private static final class Input {
        private final java.nio.channels.ReadableByteChannel in;
        private final ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        private final CRC32 crc = new CRC32();
        private final String path;
        private long left; // body bytes not yet handed out

        Input(java.nio.channels.ReadableByteChannel in, long body, String path) {
            this.in = in;
            this.left = body;
            this.path = path;
            buf.limit(0);
        }

        long remaining() {
            return left;
        }

        /** Makes at least {@code k} body bytes available in the buffer. */
        private void need(int k) throws IOException {
            if (k > left) {
                throw new CorruptFileException(path, "truncated");
            }
            fill(k);
            crc.update(buf.array(), buf.position(), k);
            left -= k;
        }

        private void fill(int k) throws IOException {
            if (buf.remaining() >= k) {
                return;
            }
            buf.compact();
            while (buf.position() < k) {
                if (in.read(buf) < 0) {
                    throw new CorruptFileException(path, "truncated");
                }
            }
            buf.flip();
        }

        int getByte() throws IOException {
            need(1);
            return buf.get();
        }

        short getShort() throws IOException {
            need(2);
            return buf.getShort();
        }

        int getInt() throws IOException {
            need(4);
            return buf.getInt();
        }

        void get(byte[] dst) throws IOException {
            for (int i = 0; i < dst.length; i++) {
                dst[i] = (byte) getByte();
            }
        }

        float[] floats(float[] dst) throws IOException {
            for (int i = 0; i < dst.length; ) {
                int k = (int) Math.min(dst.length - i, buf.capacity() / 4);
                need(k * 4);
                buf.asFloatBuffer().get(dst, i, k);
                buf.position(buf.position() + k * 4);
                i += k;
            }
            return dst;
        }

        int[] ints(int[] dst) throws IOException {
            for (int i = 0; i < dst.length; ) {
                int k = (int) Math.min(dst.length - i, buf.capacity() / 4);
                need(k * 4);
                buf.asIntBuffer().get(dst, i, k);
                buf.position(buf.position() + k * 4);
                i += k;
            }
            return dst;
        }

        double[] doubles(double[] dst) throws IOException {
            for (int i = 0; i < dst.length; ) {
                int k = (int) Math.min(dst.length - i, buf.capacity() / 8);
                need(k * 8);
                buf.asDoubleBuffer().get(dst, i, k);
                buf.position(buf.position() + k * 8);
                i += k;
            }
            return dst;
        }

        /** Checks that the body is read to its end and that the checksum and end marker follow it. */
        void finish() throws IOException {
            if (left != 0) {
                throw new CorruptFileException(path, "trailing bytes after the tensors");
            }
            fill(8);
            int sum = buf.getInt();
            byte[] end = new byte[4];
            buf.get(end);
            if (!java.util.Arrays.equals(end, END)) {
                throw new CorruptFileException(path, "not a complete tensor file");
            }
            if ((int) crc.getValue() != sum) {
                throw new CorruptFileException(path, "checksum mismatch");
            }
        }
    }
}
