package demo

// Region maps each country of the usage table to its region, the first
// level of the demo's country hierarchy.
var Region = map[string]string{
	"US": "North America", "CA": "North America",
	"DE": "Europe", "GB": "Europe", "FR": "Europe", "NL": "Europe", "ES": "Europe", "IT": "Europe",
	"SE": "Europe", "PL": "Europe", "CH": "Europe", "BE": "Europe", "AT": "Europe", "DK": "Europe",
	"NO": "Europe", "FI": "Europe", "IE": "Europe", "PT": "Europe", "IS": "Europe", "LU": "Europe",
	"AU": "Asia-Pacific", "NZ": "Asia-Pacific", "JP": "Asia-Pacific",
	"BR": "South America",
}

// DeviceClass maps each device type to its class, the first level of the
// demo's device hierarchy.
var DeviceClass = map[string]string{
	"smart_tv": "tv", "set_top_box": "tv", "console": "tv",
	"phone": "mobile", "tablet": "mobile",
	"web": "desktop",
}
