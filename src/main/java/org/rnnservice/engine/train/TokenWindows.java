package org.rnnservice.engine.train;

/**
 * Next-token samples cut from one token stream: window {@code i} holds tokens {@code [i*step, i*step + seqLen)} and
 * its target is the token after it. Inputs are expanded per batch, either to one-hot rows of {@code vocab} values or,
 * for a model that starts with an Embedding, to the ids themselves; the stream itself stays one int per character.
 */
public final class TokenWindows implements Samples {

    private final int[] tokens;
    private final int vocab;
    private final int seqLen;
    private final int step;
    private final int count;
    private final boolean oneHot;

    public TokenWindows(int[] tokens, int vocab, int seqLen, int step, boolean oneHot) {
        if (seqLen < 1 || step < 1) {
            throw new IllegalArgumentException("seq_len and step must be positive");
        }
        this.tokens = tokens;
        this.vocab = vocab;
        this.seqLen = seqLen;
        this.step = step;
        this.oneHot = oneHot;
        this.count = tokens.length > seqLen ? (tokens.length - seqLen - 1) / step + 1 : 0;
    }

    @Override
    public int count() {
        return count;
    }

    @Override
    public int steps() {
        return seqLen;
    }

    @Override
    public int features() {
        return oneHot ? vocab : 1;
    }

    @Override
    public int targetSize() {
        return 1;
    }

    @Override
    public void inputs(int[] order, int from, int n, float[] dst) {
        int size = seqLen * features();
        java.util.Arrays.fill(dst, 0, n * size, 0f);
        for (int i = 0; i < n; i++) {
            int start = order[from + i] * step;
            for (int t = 0; t < seqLen; t++) {
                int token = tokens[start + t];
                if (oneHot) {
                    dst[i * size + t * vocab + token] = 1f;
                } else {
                    dst[i * size + t] = token;
                }
            }
        }
    }

    @Override
    public void targets(int[] order, int from, int n, float[] dst) {
        for (int i = 0; i < n; i++) {
            dst[i] = tokens[order[from + i] * step + seqLen];
        }
    }
}
