using System.ComponentModel;
using System.Globalization;

namespace OdooLatencyProxy.Configuration;

/// <summary>Lets the configuration binder read <see cref="UpstreamDestination"/> from its text form.</summary>
internal sealed class UpstreamDestinationConverter : TypeConverter
{
    public override bool CanConvertFrom(ITypeDescriptorContext? context, Type sourceType) => sourceType == typeof(string) || base.CanConvertFrom(context, sourceType);

    public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value) =>
        value is string text ? UpstreamDestination.Parse(text) : base.ConvertFrom(context, culture, value);
}
