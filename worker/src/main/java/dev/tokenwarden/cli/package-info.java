/**
 * The {@code tokenwarden} command line: {@code run}, {@code migrate}, {@code produce}, the operator commands
 * {@code topics}, {@code status}, {@code explain} and {@code dead-letters} (their work is in
 * {@link dev.tokenwarden.ops}), plus commands found
 * through {@link java.util.ServiceLoader} (the demo module adds {@code demo}). Start-up reads as parse,
 * validate, wire, run; only {@link dev.tokenwarden.cli.Main} exits the process.
 */
package dev.tokenwarden.cli;
