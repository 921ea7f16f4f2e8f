#include "logreg/data/text_source.hpp"

#include "logreg/data/libsvm_parser.hpp"
#include "logreg/errors.hpp"

namespace logreg::data {

namespace {

// Whether a CSV label column is one of strings: --labels strings says so; otherwise (but for
// --labels binary) its first label decides, so that the rule is known before any row is stored.
bool string_labels(LabelChoice choice, std::string_view first_label) {
  if (choice == LabelChoice::Strings) return true;
  double v = 0;
  return choice != LabelChoice::Binary && !first_label.empty() &&
         !parse_label_number(first_label, v);
}

}  // namespace

bool uses_table(InputFormat format, const ConvertOptions& opt) {
  return format == InputFormat::Tsv || (opt.delimiter != '\0' && opt.delimiter != ',') ||
         !opt.columns.empty() || opt.hashing.any();
}

TextSource::TextSource(const std::string& in, InputFormat format, const ConvertOptions& opt)
    : path(in), zero_based(opt.zero_based), width(opt.features) {
  size = LineReader(in).file_size();
  labels.choice = opt.labels;
  if (format == InputFormat::Libsvm) return;
  labels.csv = true;
  labels.strings = opt.labels == LabelChoice::Strings;
  const bool in_table = uses_table(format, opt);
  const char delimiter =
      opt.delimiter != '\0' ? opt.delimiter : (format == InputFormat::Tsv ? '\t' : ',');
  if (!opt.columns.empty()) {
    table.emplace(in, opt.columns, "--columns", delimiter, opt.label, opt.hashing);
  }
  LineReader reader(in);
  std::string_view line;
  while (reader.next(line)) {
    if (trim(line).empty()) continue;
    if (csv || table) {
      labels.strings = string_labels(opt.labels, label_cell(line));
      check_index_column(line, reader.line_number(), delimiter, opt);
      return;
    }
    if (in_table) {
      table.emplace(in, split_header(line, delimiter), "header", delimiter, opt.label, opt.hashing);
    } else {
      csv.emplace(in, line, reader.line_number(), opt.label);
    }
    offset = reader.offset();
    first_line = reader.line_number() + 1;
  }
  if (!delimited()) throw DataError(in + ": empty input (a CSV file needs a header row)");
}

// A pandas index column (README, "Data tool", "Index columns"): the first column, not the label,
// named "", "Unnamed: 0" or "index", whose first value is 0. Refused unless --drop-index drops
// it; --drop-index without one is refused too, rather than dropping a feature.
void TextSource::check_index_column(std::string_view line, int64_t line_no, char delimiter,
                                    const ConvertOptions& opt) const {
  const std::vector<std::string>& names = csv ? csv->columns() : table->columns();
  const size_t label = csv ? csv->label_column() : table->label_column();
  const std::string_view first = clean_cell(line.substr(0, line.find(delimiter)));
  const bool index = label != 0 && is_index_name(names[0]) && first == "0";
  if (index && !opt.hashing.drop_index) {
    throw DataError(line_where(path, line_no) + ": the first column ('" + names[0] +
                    "') looks like a pandas index (values 0, 1, 2, ...), not a feature; drop it "
                    "with --drop-index (or write the CSV with index=False)");
  }
  if (!index && opt.hashing.drop_index) {
    throw ConfigError("--drop-index: the first column of " + path + " ('" + names[0] +
                      "') is not an index column (a column named '', 'Unnamed: 0' or 'index' "
                      "whose first value is 0)");
  }
}

std::string TextSource::label_name() const {
  if (csv) return csv->columns()[csv->label_column()];
  return table ? table->columns()[table->label_column()] : "label";
}

std::vector<std::string> TextSource::feature_names() const {
  if (!delimited()) return {};
  if (table) return table->feature_names();
  std::vector<std::string> names = csv->columns();
  names.erase(names.begin() + static_cast<std::ptrdiff_t>(csv->label_column()));
  return names;
}

void TextSource::parse(const char* begin, const char* end, ParsedBlock& out) const {
  if (csv) {
    csv->parse(begin, end, out);
  } else if (table) {
    table->parse(begin, end, out);
  } else {
    LibsvmParser(zero_based, width).parse(begin, end, out);
  }
}

}  // namespace logreg::data
