/**
 * Training data: the IDX reader (magic numbers, sizes, absurd headers), image folders, the embedded
 * digits, image pairs for pix2pix, the toy's Gaussian, scaling pixels into a model's range (in one
 * place), and the seeded data order of an epoch.
 */
package io.jgan.data;
