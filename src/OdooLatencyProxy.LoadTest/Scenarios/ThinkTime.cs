namespace OdooLatencyProxy.LoadTest.Scenarios;

/// <summary>A pause between steps: fixed or uniform in a range.</summary>
internal readonly record struct ThinkTime(TimeSpan Min, TimeSpan Max)
{
    public static ThinkTime None => new(TimeSpan.Zero, TimeSpan.Zero);

    public TimeSpan Next(Random random) => Max <= Min ? Min : Min + (Max - Min) * random.NextDouble();

    public static ThinkTime Parse(string? text, ThinkTime fallback)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        var dash = text.IndexOf('-', 1);
        if (dash > 0)
        {
            return new(Durations.Parse(text[..dash], "think time"), Durations.Parse(text[(dash + 1)..], "think time"));
        }

        var fixedTime = Durations.Parse(text, "think time");
        return new(fixedTime, fixedTime);
    }

    public override string ToString() => Min == Max ? Durations.Format(Min) : $"{Durations.Format(Min)}-{Durations.Format(Max)}";
}
