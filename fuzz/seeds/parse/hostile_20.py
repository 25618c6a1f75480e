IP(b"").show()
