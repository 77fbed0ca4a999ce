using OdooLatencyProxy.Collector;

namespace OdooLatencyProxy.Tests.Collector;

public sealed class OdooLogFollowerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("olp-log-").FullName;

    private string PathOf(string name) => Path.Combine(_dir, name);

    [Fact]
    public void Poll_LinesAppendedInPieces_EachEventOnceWhenItsLineIsComplete()
    {
        var log = PathOf("odoo.log");
        File.WriteAllText(log, Failure("20:00:00,000", "Old history") + "\n");
        using var follower = new OdooLogFollower(log);
        Assert.Empty(Events(follower));

        var failure = Failure("20:37:49,633", "Carrier sync");
        File.AppendAllText(log, Done("20:37:40,102", "Mail: send queue") + "\n" + failure[..30]);
        var first = Events(follower);
        Assert.Equal([new CronLogEvent("Mail: send queue", true, new DateTime(2026, 11, 26, 20, 37, 40, 102))], first);

        File.AppendAllText(log, failure[30..]);
        Assert.Empty(Events(follower));
        File.AppendAllText(log, "\nTraceback (most recent call last):\n");
        Assert.Equal([new CronLogEvent("Carrier sync", false, new DateTime(2026, 11, 26, 20, 37, 49, 633))], Events(follower));
        Assert.Empty(Events(follower));
    }

    [Fact]
    public void Poll_FileRenamedAndRecreated_ReadsTheOldTailThenTheNewFile()
    {
        var log = PathOf("odoo.log");
        File.WriteAllText(log, Done("19:00:00,000", "Before") + "\n");
        using var follower = new OdooLogFollower(log);
        Assert.Empty(Events(follower));
        var rotations = 0;
        follower.Rotated += () => rotations++;

        File.AppendAllText(log, Failure("20:00:00,000", "Last in old file") + "\n");
        File.Move(log, PathOf("odoo.log.1"));
        // Not recreated yet: the old file is still ours.
        Assert.Equal(["Last in old file"], Events(follower).Select(e => e.Cron));

        File.AppendAllText(PathOf("odoo.log.1"), Failure("20:00:01,000", "Late write to old file") + "\n");
        File.WriteAllText(log, Failure("20:00:02,000", "First in new file") + "\n");
        Assert.Equal(["Late write to old file", "First in new file"], Events(follower).Select(e => e.Cron));
        Assert.Equal(1, rotations);

        File.AppendAllText(log, Failure("20:00:03,000", "Second in new file") + "\n");
        Assert.Equal(["Second in new file"], Events(follower).Select(e => e.Cron));
    }

    [Fact]
    public void Poll_FileTruncatedInPlace_ReadsFromTheStartAgain()
    {
        var log = PathOf("odoo.log");
        File.WriteAllText(log, Done("19:00:00,000", "Before") + "\n" + Done("19:00:01,000", "Before too") + "\n");
        using var follower = new OdooLogFollower(log);
        Assert.Empty(Events(follower));

        // copytruncate: same file, emptied, then written again.
        File.WriteAllText(log, Failure("21:00:00,000", "After truncate") + "\n");
        Assert.Equal(["After truncate"], Events(follower).Select(e => e.Cron));
    }

    [Fact]
    public void Poll_FileCreatedAfterStart_ReadFromItsStart_OtherDatabasesIgnored()
    {
        var log = PathOf("late.log");
        using var follower = new OdooLogFollower(log);
        Assert.Empty(Events(follower));
        File.WriteAllText(log,
            Failure("20:00:00,000", "Mine") + "\n"
            + "2026-11-26 20:00:00,001 27801 ERROR staging odoo.addons.base.models.ir_cron: Call from cron Theirs for server action #1 failed in Job #1\n"
            + "2026-11-26 20:00:00,002 27801 INFO prod odoo.modules.loading: Job done: `Not a cron line` (0.1s).\n");
        Assert.Equal(["Mine"], Events(follower).Select(e => e.Cron));
    }

    [Fact]
    public void Poll_RealOdoo17Log_EveryJobDoneAndFailureLineCounted_TracebacksIgnored()
    {
        // Odoo 17's own log (cron worker): every message ends with a space, failures carry a multi-line traceback
        // whose exception text spans two lines. Appended in uneven pieces, then rotated half-way.
        var real = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "odoo17-cron.log"));
        var log = PathOf("odoo.log");
        File.WriteAllText(log, "");
        using var follower = new OdooLogFollower(log);
        Assert.Empty(Events(follower, "odoo"));

        var events = new List<CronLogEvent>();
        var half = real.Length / 2;
        File.AppendAllText(log, real[..1000]);
        events.AddRange(Events(follower, "odoo"));
        File.AppendAllText(log, real[1000..half]);
        events.AddRange(Events(follower, "odoo"));
        File.Move(log, PathOf("odoo.log.1"));
        File.WriteAllText(log, real[half..]);
        events.AddRange(Events(follower, "odoo"));

        var expectedDone = real.Split('\n').Where(l => l.Contains("ir_cron: Job done: `", StringComparison.Ordinal)).ToList();
        Assert.Equal(11, expectedDone.Count);
        Assert.Equal(expectedDone.Count, events.Count(e => e.Succeeded));
        Assert.Contains(new CronLogEvent("Healthy test cron", true, new DateTime(2026, 11, 30, 1, 18, 47, 898)), events);
        Assert.Equal([new CronLogEvent("Failing test cron", false, new DateTime(2026, 11, 30, 1, 19, 13, 706))], events.Where(e => !e.Succeeded));
        Assert.DoesNotContain(events, e => e.Cron.EndsWith(' '));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // The cron probe's view of what the follower read: the records that are cron events of the database.
    private static IReadOnlyList<CronLogEvent> Events(OdooLogFollower follower, string database = "prod") =>
        [.. follower.Poll().Select(l => CronLogEvent.From(l, database)).OfType<CronLogEvent>()];

    private static string Failure(string time, string cron) =>
        $"2026-11-26 {time} 27801 ERROR prod odoo.addons.base.models.ir_cron: Call from cron {cron} for server action #339 failed in Job #22 ";

    private static string Done(string time, string cron) =>
        $"2026-11-26 {time} 27801 INFO prod odoo.addons.base.models.ir_cron: Job done: `{cron}` (0.002s). ";
}
