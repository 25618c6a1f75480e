p=IP()/ICMP(); p.payload.payload=p
