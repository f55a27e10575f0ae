// Package version holds the release number of reidrisk, written once: the
// CLI prints it (reidrisk --version), and the Python package in python/ is
// built with it and checks that the program it runs carries the same one.
package version

// Version is the release of the reidrisk module, its CLI and its Python
// package. python/_build/backend.py reads it from this line.
const Version = "0.1.0"
