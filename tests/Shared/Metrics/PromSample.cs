using System.Globalization;

namespace OdooLatencyProxy.Tests.Telemetry;

/// <summary>One sample line of the Prometheus text format.</summary>
public sealed record PromSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    public static IReadOnlyList<PromSample> Parse(string text)
    {
        var samples = new List<PromSample>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            var labels = new Dictionary<string, string>();
            var brace = line.IndexOf('{', StringComparison.Ordinal);
            var space = line.LastIndexOf(' ');
            string name;
            if (brace >= 0 && brace < space)
            {
                name = line[..brace];
                var end = line.LastIndexOf('}');
                var body = line[(brace + 1)..end];
                var i = 0;
                while (i < body.Length)
                {
                    var eq = body.IndexOf('=', i);
                    var key = body[i..eq].Trim(',', ' ');
                    var j = eq + 2;
                    var value = new System.Text.StringBuilder();
                    while (body[j] != '"')
                    {
                        if (body[j] == '\\') j++;
                        value.Append(body[j]);
                        j++;
                    }
                    labels[key] = value.ToString();
                    i = j + 1;
                }
            }
            else
            {
                name = line[..line.IndexOf(' ', StringComparison.Ordinal)];
            }
            var number = line[(space + 1)..];
            samples.Add(new PromSample(name, labels, number switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                "NaN" => double.NaN,
                _ => double.Parse(number, CultureInfo.InvariantCulture),
            }));
        }
        return samples;
    }

    public string this[string label] => Labels.TryGetValue(label, out var v) ? v : "";
}
