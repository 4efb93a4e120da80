/**
 * Adversarial objectives as (lossD, lossG) pairs on logits: binary cross-entropy (both G losses),
 * least squares, hinge, and WGAN-GP.
 */
package io.jgan.loss;
