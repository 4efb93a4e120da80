/**
 * What jgan needs of the tensor engine, and its rules, in one place: scalars that are safe inside a
 * graph, checked views of tensor memory, jgan's own threads for host loops, and gradients with
 * respect to inputs.
 */
package io.jgan.engine;
