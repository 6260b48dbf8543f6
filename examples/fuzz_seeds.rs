//! Writes seed inputs for the reader fuzz targets into `fuzz/corpus/<target>/`:
//! `cargo run --example fuzz_seeds`. A small synthetic workbook and report (合成…镇) and the
//! repository's CSV test tables, so the fuzzer starts from files that parse.
use std::io::Write;
use std::path::Path;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let root = root.as_path();
    let corpus = |name: &str| -> std::io::Result<std::path::PathBuf> {
        let dir = root.join("corpus").join(name);
        std::fs::create_dir_all(&dir)?;
        Ok(dir)
    };

    // CSV: the test tables.
    let csv = corpus("read_csv")?;
    for file in
        ["../datasets/demo/bad_rows.csv", "../tests/data/bom_wide.csv", "../tests/data/gbk_panel.csv", "../datasets/seed/sikeshu_2023.csv"]
    {
        let from = root.join(file);
        std::fs::copy(&from, csv.join(from.file_name().ok_or("a file name")?))?;
    }

    // A workbook: a title row, a header, two data rows, a number, a percent and a formula.
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write(0, 0, "合成县法治政府建设指标（合成数据）")?;
    for (c, h) in ["乡镇", "年份", "发放法治宣传资料份数", "调解成功率"].iter().enumerate() {
        sheet.write(1, c as u16, *h)?;
    }
    sheet.write(2, 0, "合成甲镇")?;
    sheet.write(2, 1, 2023)?;
    sheet.write(2, 2, "1060多")?;
    sheet.write_number_with_format(2, 3, 0.95, &rust_xlsxwriter::Format::new().set_num_format("0%"))?;
    sheet.write(3, 0, "合成乙镇")?;
    sheet.write(3, 1, 2023)?;
    sheet.write_formula(3, 2, "=500+400")?;
    sheet.write(3, 3, 90)?;
    book.save(corpus("read_xlsx")?.join("small.xlsx"))?;

    // A report: paragraphs and a table.
    let xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>\
               <w:p><w:r><w:t>合成丙镇全年调解矛盾纠纷37件。</w:t></w:r></w:p>\
               <w:tbl><w:tr><w:tc><w:p><w:r><w:t>法律知识测试</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>2次</w:t></w:r></w:p></w:tc></w:tr></w:tbl>\
               </w:body></w:document>";
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("word/document.xml", opts)?;
        zip.write_all(xml.as_bytes())?;
        zip.finish()?;
    }
    std::fs::write(corpus("read_docx")?.join("small.docx"), buf.into_inner())?;
    println!("seeds written under {}", root.join("corpus").display());
    Ok(())
}
