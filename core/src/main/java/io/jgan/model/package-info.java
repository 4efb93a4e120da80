/**
 * Model families and their layers. {@link io.jgan.model.Family} is a family's definition in one
 * place (builders, rules, preset, multiply-add counts, PyTorch layout); one file per architecture
 * (MlpGan, BatchNormMlpGan, Dcgan, ToyMlp, UNet; D returns logits), their layers, the network
 * wrapper, and G run on latent vectors or images.
 */
package io.jgan.model;
