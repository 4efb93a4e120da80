/**
 * {@code jgan serve}: routes in {@link io.jgan.serve.Server}, request parsing in
 * {@link io.jgan.serve.Requests}, answers in {@link io.jgan.serve.Responses}, the runs and their logs
 * in {@link io.jgan.serve.RunIndex}, the generators and the bound on requests in flight in
 * {@link io.jgan.serve.GeneratorPool}; the page in resources {@code io/jgan/serve/}.
 */
package io.jgan.serve;
