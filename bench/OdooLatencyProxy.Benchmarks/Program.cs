using BenchmarkDotNet.Running;
using OdooLatencyProxy.Benchmarks.Forwarding;

// `memory`: the real proxy process's memory while a 1 GiB response goes to a slow client (not a BenchmarkDotNet job).
if (args is ["memory", ..]) return await SlowClientMemory.RunAsync();

BenchmarkSwitcher.FromAssembly(typeof(SlowClientMemory).Assembly).Run(args);
return 0;
