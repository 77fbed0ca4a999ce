using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using OdooLatencyProxy.Benchmarks.Hosting;
using OdooLatencyProxy.Benchmarks.Soak;

namespace OdooLatencyProxy.Benchmarks.Fuzzing;

/// <summary>
/// <c>fuzz [--seed S] [--cases N] [--seconds T] [--case N]</c>: the real proxy process in front of a
/// <see cref="RecordingUpstream"/>; each case of <see cref="FramingGenerator"/> goes over a raw socket, then a canary
/// request on a fresh connection; <see cref="CaseJudge"/> compares what Odoo received with what
/// <see cref="StrictHttpParser"/> reads from the client's bytes. The proxy's admin /healthz must answer after every case.
/// <c>--case N</c> replays one case and prints its bytes, the answers and what Odoo received.
/// </summary>
internal static class FuzzCommand
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(string[] args)
    {
        var seed = (int)SoakCommand.Option(args, "--seed", 1);
        var cases = (int)SoakCommand.Option(args, "--cases", 3000);
        var seconds = SoakCommand.Option(args, "--seconds", 900);
        var only = (int)SoakCommand.Option(args, "--case", -1);
        await using var upstream = new RecordingUpstream();
        await using var proxy = await ProxyProcess.StartAsync(["--upstream", upstream.Uri.ToString(), "--gevent-upstream", upstream.Uri.ToString()]);
        var generator = new FramingGenerator(seed);
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var answers = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var traits = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var mismatches = new List<string>();
        var clock = Stopwatch.StartNew();
        var run = 0;
        var proxyUp = true;
        for (var n = only >= 0 ? only : 0; n < (only >= 0 ? only + 1 : cases) && clock.Elapsed.TotalSeconds < seconds; n++)
        {
            var fuzzCase = generator.Case(n);
            var outcome = await RunCaseAsync(proxy, upstream, fuzzCase, verbose: only >= 0);
            run++;
            Count(counts, outcome.Category);
            if (outcome.Category != CaseOutcome.Matched) Count(answers, $"{outcome.Category}: {outcome.Answer}");
            foreach (var trait in fuzzCase.Traits) Count(traits, $"{trait} / {outcome.Category}");
            if (outcome.Category == CaseOutcome.Mismatch)
            {
                mismatches.Add($"case {n} [{string.Join(", ", fuzzCase.Traits)}]: {outcome.Detail}");
                Console.WriteLine($"MISMATCH case {n}: {outcome.Detail} (replay: fuzz --seed {seed} --case {n})");
            }
            if (!await proxy.IsHealthyAsync())
            {
                mismatches.Add($"case {n}: the proxy's /healthz did not answer after it");
                proxyUp = false;
                break;
            }
            if (only < 0 && run % 250 == 0) Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{run} cases, {clock.Elapsed.TotalSeconds:F0} s: {Summary(counts)}"));
        }

        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"fuzz: seed {seed}, {run} cases in {clock.Elapsed.TotalSeconds:F0} s; proxy {(proxyUp ? "up" : "DOWN")} (admin /healthz after every case), log lines at fail/crit: {proxy.Failures.Count}"));
        Console.WriteLine("| category | cases |");
        Console.WriteLine("|---|---:|");
        foreach (var (category, count) in counts) Console.WriteLine($"| {category} | {count} |");
        Console.WriteLine();
        Console.WriteLine("| category: the proxy's answer to the first request it did not forward (tolerated: the leniency) | cases |");
        Console.WriteLine("|---|---:|");
        foreach (var (answer, count) in answers) Console.WriteLine($"| {answer} | {count} |");
        if (only < 0)
        {
            Console.WriteLine();
            Console.WriteLine("traits (a case has several) by category: " + string.Join("; ", traits.Select(t => $"{t.Key} {t.Value}")));
        }
        foreach (var failure in proxy.Failures) Console.WriteLine("proxy log: " + failure);
        Console.WriteLine($"mismatches: {mismatches.Count}");
        foreach (var mismatch in mismatches) Console.WriteLine("  " + mismatch);
        return mismatches.Count == 0 ? 0 : 1;
    }

    private static async Task<CaseOutcome> RunCaseAsync(ProxyProcess proxy, RecordingUpstream upstream, FuzzCase fuzzCase, bool verbose)
    {
        var late = upstream.Take().Where(r => !IsProbe(r)).ToList();
        if (late.Count > 0) return new CaseOutcome(CaseOutcome.Mismatch, "-", $"Odoo received after the previous case's canary: {late[0].Parsed} ({Target(late[0])})");

        var (answer, closed) = await SendAsync(proxy, fuzzCase);
        var statuses = ProxyResponses.Statuses(answer);
        var canary = $"/canary/{fuzzCase.Number}";
        var (canaryAnswer, _) = await SendAsync(proxy, new FuzzCase(-1, Encoding.ASCII.GetBytes($"GET {canary} HTTP/1.1\r\nHost: erp\r\nConnection: close\r\n\r\n"), [], [], false, false));
        var recordings = new List<UpstreamRecording>();
        var deadline = Stopwatch.StartNew();
        while (!recordings.Any(r => Target(r) == canary) && deadline.Elapsed < s_wait * 2)
        {
            recordings.AddRange(upstream.Take());
            await Task.Delay(5);
        }
        await Task.WhenAny(Task.WhenAll(recordings.Select(r => r.Done)), Task.Delay(s_wait));
        var mine = recordings.TakeWhile(r => Target(r) != canary).Where(r => !IsProbe(r)).ToList();
        var outcome = CaseJudge.Judge(fuzzCase, statuses, closed, mine);
        if (!Encoding.Latin1.GetString(canaryAnswer).EndsWith("\r\n\r\nok", StringComparison.Ordinal) || !recordings.Any(r => Target(r) == canary))
        {
            outcome = new CaseOutcome(CaseOutcome.Mismatch, "-", $"the canary after this case did not go through intact (answer: {Show(canaryAnswer, 120)}); case: {outcome.Category} {outcome.Detail}");
        }
        if (verbose)
        {
            Console.WriteLine($"case {fuzzCase.Number}: {string.Join(", ", fuzzCase.Traits)}; writes end at [{string.Join(", ", fuzzCase.Splits)}]{(fuzzCase.EarlyClose ? $", then the client leaves{(fuzzCase.Reset ? " with a reset" : "")}" : "")}");
            Console.WriteLine($"client sent {fuzzCase.Bytes.Length} bytes: {Show(fuzzCase.Bytes, 3000)}");
            Console.WriteLine($"strict reading: {StrictHttpParser.Parse(fuzzCase.Bytes)}");
            Console.WriteLine($"proxy answered ({(closed ? "then closed" : "connection left open")}): {Show(answer, 1500)}");
            foreach (var r in mine) Console.WriteLine($"Odoo connection {r.Number} received {r.Bytes.Length} bytes: {Show(r.Bytes, 3000)}");
            Console.WriteLine($"outcome: {outcome}");
        }
        return outcome;
    }

    // Writes the case in its pieces, then reads answers until the proxy closes, or it has answered every request the
    // strict parser sees and stays silent briefly, or it stays silent for s_wait.
    private static async Task<(byte[] Answer, bool Closed)> SendAsync(ProxyProcess proxy, FuzzCase fuzzCase)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(proxy.PublicEndPoint);
        var from = 0;
        foreach (var end in fuzzCase.Splits.Append(fuzzCase.Bytes.Length))
        {
            if (end <= from) continue;
            try
            {
                await socket.SendAsync(fuzzCase.Bytes.AsMemory(from, end - from), SocketFlags.None);
            }
            catch (SocketException)
            {
                return ([], true); // The proxy closed while the client was still writing: a refusal.
            }
            from = end;
            if (end < fuzzCase.Bytes.Length) await Task.Delay(Random.Shared.Next(1, 15));
        }
        if (fuzzCase.EarlyClose)
        {
            if (fuzzCase.Reset) socket.LingerState = new LingerOption(true, 0);
            socket.Close();
            await Task.Delay(50);
            return ([], true);
        }

        // Invalid bytes: wait half a second for the refusal's close rather than stop at the valid requests' answers.
        var client = StrictHttpParser.Parse(fuzzCase.Bytes);
        var expected = client.Requests.Count;
        var answer = new List<byte>();
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var done = ProxyResponses.Statuses([.. answer]).Count >= expected;
            using var silence = new CancellationTokenSource(!done ? s_wait : client.Error is null ? TimeSpan.FromMilliseconds(150) : TimeSpan.FromMilliseconds(500));
            try
            {
                var read = await socket.ReceiveAsync(buffer, SocketFlags.None, silence.Token);
                if (read == 0) return ([.. answer], true);
                answer.AddRange(buffer.AsSpan(0, read));
            }
            catch (OperationCanceledException)
            {
                return ([.. answer], false);
            }
            catch (SocketException)
            {
                return ([.. answer], true);
            }
        }
    }

    private static string? Target(UpstreamRecording recording) => recording.Parsed.Requests is [var first, ..] ? first.Target : null;

    // The proxy's own health probes of Odoo.
    private static bool IsProbe(UpstreamRecording recording) => Target(recording) is { } target && target.StartsWith("/web/health", StringComparison.Ordinal);

    private static string Show(byte[] bytes, int max)
    {
        var text = StrictHttpParser.Printable(Encoding.Latin1.GetString(bytes), max, lines: true);
        return bytes.Length > max ? text + $"... ({bytes.Length} bytes)" : text;
    }

    private static void Count(SortedDictionary<string, int> counts, string key) => counts[key] = counts.GetValueOrDefault(key) + 1;

    private static string Summary(SortedDictionary<string, int> counts) => string.Join(", ", counts.Select(c => $"{c.Key} {c.Value}"));
}
