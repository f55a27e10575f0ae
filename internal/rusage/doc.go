// Package rusage reads the process's CPU time and page faults, for
// benchmarks: on a shared machine CPU time measures the work where wall
// time also measures the queue.
package rusage
