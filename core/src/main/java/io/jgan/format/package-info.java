/**
 * File formats jgan reads and writes besides its checkpoints: safetensors (PyTorch interop),
 * TensorBoard event files, PNG grids, animated GIF, plots, IDX images, step-keyed CSV logs, and the
 * one JSON mapper.
 */
package io.jgan.format;
