package org.rnnservice.models;

import org.rnnservice.keras.KerasFiles;
import org.rnnservice.onnx.OnnxExport;

/** The files a model can be exported as: Keras' two formats, and ONNX for every other runtime. */
public enum ExportFormat {
    KERAS(KerasFiles.Format.KERAS), H5(KerasFiles.Format.H5), ONNX(null);

    private final KerasFiles.Format keras;

    ExportFormat(KerasFiles.Format keras) {
        this.keras = keras;
    }

    public String extension() {
        return keras != null ? keras.extension() : OnnxExport.EXTENSION;
    }

    public String mediaType() {
        return keras != null ? keras.mediaType() : OnnxExport.MEDIA_TYPE;
    }

    /** The Keras file format, or null for ONNX. */
    KerasFiles.Format keras() {
        return keras;
    }
}
