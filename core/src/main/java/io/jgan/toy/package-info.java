/**
 * The 1-D Gaussian toy of 'GANs — Illustrated, explained and coded': a tiny GAN learns N(mean,
 * std), measured by its mean and spread.
 */
package io.jgan.toy;
