/**
 * Using a trained generator without any of training: rebuild G from a checkpoint alone and sample
 * ({@link io.jgan.sample.Sampler}), latent walks, and export and import in the tutorials' PyTorch
 * layouts.
 */
package io.jgan.sample;
