/**
 * What jgan needs of libtorch, and its rules, in one place: the binding (the JavaCPP presets)
 * and its sharp edges. {@link io.jgan.engine.Natives} unpacks the native libraries before any
 * torch class loads; {@link io.jgan.engine.Scope} gives every native object a lifetime (one per
 * training step); {@link io.jgan.engine.Torch} holds the device, the precision (bf16 autocast)
 * and the seed, and moves tensors to and from Java arrays whatever their device;
 * {@link io.jgan.engine.HostTensors} gives checked views of tensor memory for jgan's own host
 * loops, which run on {@link io.jgan.engine.HostWorkers}.
 */
package io.jgan.engine;
