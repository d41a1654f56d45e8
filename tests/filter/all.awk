# all.awk -- every record (with ref.awk)
rec()
