/**
 * Image to image (Isola et al. 2017): {@link io.jgan.pix2pix.Pix2PixGame} for the one training
 * loop, its iteration ({@link io.jgan.pix2pix.Pix2PixStep}), the held-out measurement (L1, PSNR,
 * class agreement, FCD) and translating new images. What is pix2pix's own and nothing else.
 */
package io.jgan.pix2pix;
