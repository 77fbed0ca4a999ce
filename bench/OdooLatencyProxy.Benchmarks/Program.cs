using BenchmarkDotNet.Running;
using OdooLatencyProxy.Benchmarks.Forwarding;
using OdooLatencyProxy.Benchmarks.Peers;
using OdooLatencyProxy.Benchmarks.Fuzzing;
using OdooLatencyProxy.Benchmarks.Soak;
using OdooLatencyProxy.Benchmarks.Telemetry;

// Measurements that are not BenchmarkDotNet jobs; anything else goes to BenchmarkDotNet.
// "memory": the real proxy process's memory while a 1 GiB response goes to a slow client.
// "memory-after-load [setting] [--proxy DLL]": the real proxy process's memory before, during and after bursts, per GC setting.
// "throughput [seconds] [rounds]": the end-to-end telemetry on/off comparison.
// "peers [--rounds N] [--seconds S] [--rate R] [--mode M] [--proxy LABEL=DLL ...] [--memory on] [--builds-only on]": nginx,
// HAProxy and builds of this proxy side by side; --memory adds B allocated/request and RSS peak/idle, --builds-only drops
// every peer but the builds (two builds compared), --floors adds .NET's reference servers ("floor yarp|kestrel|transport PORT URL", run by it).
// "fuzz [--seed S] [--cases N] [--seconds T] [--case N]": random request framings through the proxy process, judged against a strict parser.
// "soak [--minutes M]": the real proxy process under mixed load, sampled every second, judged flat and at zero after.
if (args is ["memory", ..]) return await SlowClientMemory.RunAsync();
if (args is ["memory-after-load", ..]) return await MemoryAfterLoad.RunAsync(args);
if (args is ["throughput", ..]) return await ThroughputComparison.RunAsync(args);
if (args is ["peers", ..]) return await PeerBenchmark.RunAsync(args);
if (args is ["floor", ..]) return await FloorServer.RunAsync(args);
if (args is ["fuzz", ..]) return await FuzzCommand.RunAsync(args);
if (args is ["soak", ..]) return await SoakCommand.RunAsync(args);

BenchmarkSwitcher.FromAssembly(typeof(RecordingBenchmarks).Assembly).Run(args);
return 0;
