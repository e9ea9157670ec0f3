package org.latentlab.api.model;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * The contents of a model folder's {@code model.json}: what the model is and which files hold its
 * encoder and decoder.
 *
 * @param folder     the model folder
 * @param name       model name
 * @param inputShape shape of one input, without the batch dimension, e.g. {@code [784]} or {@code [1, 28, 28]}
 * @param latentDim  latent dimension k
 * @param encoder    encoder file, relative to the folder
 * @param decoder    decoder file, relative to the folder
 * @param backend    id of the backend to use, or {@code null} to choose by file extension
 */
public record ModelSpec(Path folder, String name, int[] inputShape, int latentDim, String encoder, String decoder,
        String backend) {

    /**
     * Number of values in one input.
     *
     * @throws org.latentlab.api.LatentLabException when the product does not fit in one array
     */
    public int inputSize() {
        long[] dims = new long[inputShape.length];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = inputShape[i];
        }
        return (int) org.latentlab.api.Tensor.checkedSize("model '" + name + "': inputShape " + Arrays.toString(inputShape), dims);
    }

    /** Shape of a batch of {@code n} inputs: [n, ...inputShape]. */
    public int[] batchShape(int n) {
        int[] s = new int[inputShape.length + 1];
        s[0] = n;
        System.arraycopy(inputShape, 0, s, 1, inputShape.length);
        return s;
    }

    /**
     * Runs one zero input through the encoder and one zero latent through the decoder, so that a
     * model whose files disagree with model.json fails at load time, not in the middle of a job.
     */
    public void probe(LatentModel model) {
        model.encode(new org.latentlab.api.Tensor(batchShape(1), new float[inputSize()]));
        model.decode(org.latentlab.api.Tensor.matrix(1, latentDim, new float[latentDim]));
    }

    public Path encoderFile() {
        return folder.resolve(encoder);
    }

    public Path decoderFile() {
        return folder.resolve(decoder);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelSpec m && folder.equals(m.folder) && name.equals(m.name)
                && Arrays.equals(inputShape, m.inputShape) && latentDim == m.latentDim && encoder.equals(m.encoder)
                && decoder.equals(m.decoder) && java.util.Objects.equals(backend, m.backend);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(folder, name, Arrays.hashCode(inputShape), latentDim, encoder, decoder, backend);
    }

    @Override
    public String toString() {
        return "ModelSpec[" + name + ", input " + Arrays.toString(inputShape) + ", latent " + latentDim + ", " + folder + "]";
    }
}
