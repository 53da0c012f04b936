package org.rnnservice.engine.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector width of this JVM's vector kernels, fixed when they are first used: the Vector API compiles a species to
 * machine vectors only when it is a constant, so the width is a static final, chosen once per JVM from
 * {@link KernelsProvider#requestWidth} or the {@code rnn.simd.bits} system property (128, 256 or 512; 0 or unset
 * for the machine's preferred width). A width wider than the machine's runs correctly but slowly (the API falls back
 * to plain Java), which is how the tests check every width on any machine.
 */
final class VectorWidth {

    static final VectorSpecies<Float> SPECIES = choose();

    private VectorWidth() {
    }

    private static VectorSpecies<Float> choose() {
        int bits = KernelsProvider.requestedBits();
        return bits == 0 ? FloatVector.SPECIES_PREFERRED
                : VectorSpecies.of(float.class, VectorShape.forBitSize(bits));
    }
}
