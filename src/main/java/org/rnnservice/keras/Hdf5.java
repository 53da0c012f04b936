package org.rnnservice.keras;

import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.exceptions.HdfException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.rnnservice.engine.layers.InvalidModelException;

/** Reading Keras' HDF5 layouts through jHDF: paths, string attributes and float datasets, with errors a user can act on. */
final class Hdf5 {

    private static final byte[] SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

    private Hdf5() {
    }

    /** HDF5's signature, at offset 0 or (after a user block) at 512, 1024, 2048, ... */
    static boolean isHdf5(byte[] content) {
        for (long offset = 0; offset + SIGNATURE.length <= content.length; offset = offset == 0 ? 512 : offset * 2) {
            if (Arrays.equals(content, (int) offset, (int) offset + SIGNATURE.length, SIGNATURE, 0,
                    SIGNATURE.length)) {
                return true;
            }
        }
        return false;
    }

    static HdfFile open(byte[] content, String what) {
        try {
            return HdfFile.fromBytes(content);
        } catch (HdfException | IllegalArgumentException | IndexOutOfBoundsException e) {
            throw corrupt(what, e);
        }
    }

    static InvalidModelException corrupt(String what, Exception e) {
        return new InvalidModelException("file", what + " is not a readable HDF5 file (truncated or corrupt?): "
                + e.getMessage());
    }

    /** The node at a slash-separated path below {@code group}, if there is one. */
    static Optional<Node> find(Group group, String path) {
        Node node = group;
        for (String part : path.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            if (!(node instanceof Group g)) {
                return Optional.empty();
            }
            node = g.getChild(part);
            if (node == null) {
                return Optional.empty();
            }
        }
        return Optional.of(node);
    }

    /** A string attribute, or empty when absent. */
    static Optional<String> stringAttribute(Node node, String name) {
        Attribute a = node.getAttribute(name);
        if (a == null) {
            return Optional.empty();
        }
        Object data = a.getData();
        if (data instanceof String s) {
            return Optional.of(s);
        }
        if (data instanceof String[] array && array.length == 1) {
            return Optional.of(array[0]);
        }
        throw new InvalidModelException("file", "attribute '" + name + "' of " + node.getPath() + " is not a string");
    }

    /**
     * A list-of-strings attribute as Keras writes it with {@code save_attributes_to_hdf5_group}: whole, or in chunks
     * {@code name0}, {@code name1}, ... when it outgrew HDF5's object header.
     */
    static List<String> stringList(Node node, String name) {
        List<String> out = new ArrayList<>();
        if (node.getAttribute(name) != null) {
            addStrings(node.getAttribute(name), out, node, name);
            return out;
        }
        for (int chunk = 0; node.getAttribute(name + chunk) != null; chunk++) {
            addStrings(node.getAttribute(name + chunk), out, node, name);
        }
        return out;
    }

    private static void addStrings(Attribute attribute, List<String> out, Node node, String name) {
        if (attribute.isEmpty() || attribute.getSize() == 0) {
            return; // h5py writes an empty list as an empty float array
        }
        Object data = attribute.getData();
        if (data instanceof String[] array) {
            out.addAll(Arrays.asList(array));
        } else if (data instanceof String s) {
            out.add(s);
        } else {
            throw new InvalidModelException("file", "attribute '" + name + "' of " + node.getPath()
                    + " is not a list of strings");
        }
    }

    /**
     * A float dataset (float32, or float64 narrowed as Keras would load it) as a tensor, its declared size taken
     * from {@code budget} before its data is read.
     */
    static StoredTensor tensor(Node node, WeightBudget budget) {
        if (!(node instanceof Dataset d)) {
            throw new InvalidModelException("file", node.getPath() + " is not a dataset");
        }
        budget.take(d.getSize(), d.getPath());
        Object flat = d.getDataFlat();
        float[] values;
        if (flat instanceof float[] f) {
            values = f;
        } else if (flat instanceof int[] ints) {
            values = new float[ints.length]; // Normalization's count
            for (int i = 0; i < ints.length; i++) {
                values[i] = ints[i];
            }
        } else if (flat instanceof long[] longs) {
            values = new float[longs.length];
            for (int i = 0; i < longs.length; i++) {
                values[i] = longs[i];
            }
        } else if (flat instanceof double[] doubles) {
            values = new float[doubles.length];
            for (int i = 0; i < doubles.length; i++) {
                values[i] = (float) doubles[i];
            }
        } else {
            throw new InvalidModelException("file", "weight " + d.getPath() + " holds "
                    + d.getJavaType().getSimpleName() + " values, not floats");
        }
        return new StoredTensor(d.getPath(), d.getDimensions(), values);
    }
}
