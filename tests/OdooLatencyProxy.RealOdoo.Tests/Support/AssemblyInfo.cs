// One Odoo with a couple of workers serves every test here: tests that saturate it or time requests against its own
// log must not run beside each other.
[assembly: Xunit.v3.Parallelization(Mode = Xunit.Sdk.ParallelMode.None)]
