/**
 * jgan: Generative Adversarial Networks for the JVM. The packages, from the bottom up: config,
 * engine, data, format, checkpoint, loss, optim, model, train, sample, eval, pix2pix, toy, bench,
 * session, serve, cli.
 */
package io.jgan;
