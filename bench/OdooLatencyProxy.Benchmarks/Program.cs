using BenchmarkDotNet.Running;
using OdooLatencyProxy.Benchmarks.Telemetry;

// "throughput [seconds] [rounds]": the end-to-end telemetry on/off comparison; anything else goes to BenchmarkDotNet.
if (args.Length > 0 && args[0] == "throughput") return await ThroughputComparison.RunAsync(args);
BenchmarkSwitcher.FromAssembly(typeof(RecordingBenchmarks).Assembly).Run(args);
return 0;
