public import HTTPServer

extension QueryParameters {
    /// The region code in parameter `name`, if given; a malformed one is added to `errors`.
    /// List filters use it: `region=35` matches everything in Jawa Timur.
    public func regionCode(_ name: String, errors: inout [Problem.FieldError]) -> RegionCode? {
        guard let text = self[name] else { return nil }
        guard let region = RegionCode(text) else {
            errors.append(.init(field: name, code: "invalid_format", message: "must be a region code such as 35 or 35.07"))
            return nil
        }
        return region
    }
}
